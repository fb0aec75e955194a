using System.Globalization;
using NetPulse.Benchmarks;

// Usage: NetPulse.Benchmarks probe|ingest|cost|cost-table|freshness|api|wire|logs|retention [arguments]: see Usage() below
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

bool Flag(int index, string name) => args.Length <= index ? false : args[index] == name
    ? true
    : throw new ArgumentException($"{args[0]}: argument {index} is '{name}' or nothing, not '{args[index]}'");

return args.FirstOrDefault() switch
{
    "probe" => await ProbeBenchmark.RunAsync(Arg(1, 60), Arg(2, 1000), cancel.Token),
    "ingest" => await IngestBenchmark.RunAsync(Arg(1, 360), args.Length > 2 ? Arg(2, 0) : null, cancel.Token),
    "cost" => await CostBenchmark.RunAsync(Arg(1, 300), Arg(2, 100), args.Length > 3 ? Arg(3, 0) : null, cancel.Token),
    "cost-table" => await CostBenchmark.RunTableAsync(Arg(1, 300), Arg(2, 100), cancel.Token),
    "freshness" => await FreshnessBenchmark.RunAsync(Arg(1, 150), Arg(2, 100), args.Length > 3 ? Arg(3, 0) : null, cancel.Token),
    "api" => await ApiBenchmark.RunAsync(Arg(1, 25), cancel.Token),
    "wire" => WireBenchmark.Run(Arg(1, 200)),
    "logs" => await LogVolumeBenchmark.RunAsync(Arg(1, 30), Flag(2, "quiet"), cancel.Token),
    "retention" => await RetentionBenchmark.RunAsync(Arg(1, 5), cancel.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NetPulse.Benchmarks probe [seconds=60] [targets=1000]");
    Console.Error.WriteLine("       NetPulse.Benchmarks ingest [batches=360] [concurrency=host.json batchSize+newBatchThreshold]");
    Console.Error.WriteLine("       NetPulse.Benchmarks cost [seconds=300] [targets=100] [what-if maxPollingInterval seconds]");
    Console.Error.WriteLine("       NetPulse.Benchmarks cost-table [seconds=300] [targets=100]   (calm window 10 / 30 / 60 / 120 s, one run each)");
    Console.Error.WriteLine("       NetPulse.Benchmarks freshness [seconds=150] [targets=100] [what-if maxPollingInterval seconds]");
    Console.Error.WriteLine("       NetPulse.Benchmarks api [repetitions=25]");
    Console.Error.WriteLine("       NetPulse.Benchmarks wire [repetitions=200]");
    Console.Error.WriteLine("       NetPulse.Benchmarks retention [targets=5]   (bytes per target-day, steady size and cost for 100 targets, a 400-day chart)");
    Console.Error.WriteLine("       NetPulse.Benchmarks logs [minutes=30] [quiet]   (log records and Application Insights GB a month at host.json's levels; quiet: no dashboard, no malformed message)");
    return 2;
}
