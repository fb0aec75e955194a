using System.Globalization;
using NetPulse.Benchmarks;

// Usage: NetPulse.Benchmarks probe [seconds=60] [targets=1000]
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

return args.FirstOrDefault() switch
{
    "probe" => await ProbeBenchmark.RunAsync(Arg(1, 60), Arg(2, 1000), cancel.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NetPulse.Benchmarks probe [seconds=60] [targets=1000]");
    return 2;
}
