using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// The probe's real run path (engine, batcher, spool, sender to a fresh Azurite) against N loopback targets at 1 s,
/// twice: the JIT build (what <c>dotnet build</c> makes) and the Native AOT binary (what scripts/publish-probe.sh
/// makes, published first). Each is paired with fping on the same targets for the same time, one after the other so
/// they never share the two cores, and judged against the issue 15 goals: CPU at most 1.3x its fping, peak RSS
/// under 50 MB, send lateness p99 under 2 ms.
/// </summary>
internal static partial class ProbeBenchmark
{
    private const double CpuRatioGoal = 1.3;
    private const double PeakMegabytesGoal = 50;
    private const double LatenessP99GoalMs = 2;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(int seconds, int targetCount, CancellationToken cancellationToken)
    {
        var probeDll = RepositoryPaths.Combine("probe", "NetPulse.Probe", "bin", "Release", "net10.0", "netpulse-probe.dll");
        if (!File.Exists(probeDll))
        {
            Console.Error.WriteLine($"{probeDll} is missing: build Release first (./bench.sh does).");
            return 2;
        }

        var builds = new List<ProbeBuild> { new("JIT", "dotnet", [probeDll]) };
        var aotProblem = await PublishAotAsync(cancellationToken);
        var aotBinary = RepositoryPaths.Combine("artifacts", "probe", "linux-x64", "netpulse-probe");
        if (aotProblem is null)
        {
            builds.Add(new ProbeBuild("Native AOT", aotBinary, []));
        }

        var work = Directory.CreateTempSubdirectory("netpulse-bench-");
        try
        {
            var hosts = LoopbackHosts(targetCount);
            var targetsFile = Path.Combine(work.FullName, "targets.json");
            await File.WriteAllTextAsync(targetsFile, JsonSerializer.Serialize(new
            {
                Targets = hosts.Select((h, i) => new { Name = $"t{i:0000}", Host = h }),
            }), cancellationToken);
            var fpingFile = Path.Combine(work.FullName, "fping-targets.txt");
            await File.WriteAllLinesAsync(fpingFile, hosts, cancellationToken);

            Console.WriteLine($"probe benchmark: {targetCount} loopback targets (127.0.x.y) at 1 s, {seconds} s measured after {WarmUp.TotalSeconds:0} s warm-up; CPU as a fraction of one core; each build paired with its own fping run");
            var results = new List<BuildResult>();
            foreach (var build in builds)
            {
                // A fresh Azurite and spool per build: one Azurite slows as it ages, and each run starts from an empty spool.
                await using var azurite = await Azurite.StartAsync(cancellationToken);
                var spool = Path.Combine(work.FullName, "spool-" + results.Count.ToString(CultureInfo.InvariantCulture));
                var probe = await MeasureProbeAsync(build, targetsFile, spool, azurite.ConnectionString, seconds, cancellationToken);
                var (queued, queuedSuccesses) = await CountQueuedSamplesAsync(azurite.ConnectionString, probe.WindowStart, probe.WindowEnd, cancellationToken);

                // Stopped with SIGTERM, the probe spools its open batch for the next start: those samples were taken in the
                // window too, and counting only the queue would understate the rate.
                var (spooled, spooledSuccesses) = await CountSpooledSamplesAsync(spool, probe.WindowStart, probe.WindowEnd, cancellationToken);
                var (samples, successes) = (queued + spooled, queuedSuccesses + spooledSuccesses);
                var fping = await MeasureFpingAsync(fpingFile, seconds, cancellationToken);
                results.Add(new BuildResult(build.Name, probe, fping, samples, successes, spooled));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {build.Name}: probe {probe.SteadyCpuFraction:P1} of a core, fping {fping.CpuFraction:P1}"));
            }

            PrintTable(results, targetCount);
            if (aotProblem is not null)
            {
                Console.WriteLine($"Native AOT: not measured: {aotProblem}");
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void PrintTable(List<BuildResult> results, int targetCount)
    {
        var inv = CultureInfo.InvariantCulture;
        void Row(string measure, Func<BuildResult, string> cell, string goal) =>
            Console.WriteLine($"| {measure} | {string.Join(" | ", results.Select(cell))} | {goal} |");

        Console.WriteLine();
        Console.WriteLine($"| measure | {string.Join(" | ", results.Select(r => $"probe, {r.Build} ({r.Probe.Engine})"))} | goal |");
        Console.WriteLine($"|---|{string.Concat(results.Select(_ => "---|"))}---|");
        Row("CPU, steady state (share of one core): probe / its fping", r => string.Create(inv, $"{r.Probe.SteadyCpuFraction:P1} / {r.Fping.CpuFraction:P1}"), "");
        Row("CPU ratio probe / fping", r => Judge(r.CpuRatio, CpuRatioGoal, "x", lowerIsBetter: true, format: "0.00"), string.Create(inv, $"<= {CpuRatioGoal:0.00}x"));
        Row("CPU incl. start-up, whole run", r => string.Create(inv, $"{r.Probe.WholeRunCpu.TotalSeconds:0.00} s over {r.Probe.WholeRunWall.TotalSeconds:0} s ({r.WholeRunRatio:0.00}x fping)"), "");
        Row("peak resident memory (VmHWM)", r => string.Create(inv, $"{r.Probe.PeakMiB:0.0} MiB = ") + Judge(r.PeakMegabytes, PeakMegabytesGoal, " MB", lowerIsBetter: true, format: "0.0"), string.Create(inv, $"< {PeakMegabytesGoal:0} MB"));
        Row("fping peak resident memory", r => string.Create(inv, $"{r.Fping.PeakMiB:0.0} MiB"), "");
        Row("samples per second (on the queue + left in the spool at stop)", r => string.Create(inv, $"{r.PingsPerSecond:0} ({r.Successes * 100.0 / Math.Max(1, r.Samples):0.0}% replies; {r.SpooledPerSecond:0}/s of it spooled)"), targetCount.ToString(inv));
        Row("probe memory at stop (its own report)", r => r.Probe.Memory, "");
        Row("send lateness p50 / p99", r => $"{r.Probe.LatenessP50} / " + Judge(double.Parse(r.Probe.LatenessP99, inv), LatenessP99GoalMs, " ms", lowerIsBetter: true, format: "0.00"), string.Create(inv, $"p99 < {LatenessP99GoalMs:0} ms"));
    }

    /// <summary>"1.42x MISSED by 0.12x" or "38.2 MB MET, 11.8 MB to spare": the figure, the verdict and the margin.</summary>
    private static string Judge(double value, double goal, string unit, bool lowerIsBetter, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var met = lowerIsBetter ? value <= goal : value >= goal;
        var margin = Math.Abs(value - goal);
        return met
            ? string.Create(inv, $"{value.ToString(format, inv)}{unit} MET, {margin.ToString(format, inv)}{unit} to spare")
            : string.Create(inv, $"{value.ToString(format, inv)}{unit} MISSED by {margin.ToString(format, inv)}{unit}");
    }

    /// <summary>Publishes the Native AOT probe with the release script (incremental: quick when nothing changed); null when it is there.</summary>
    private static async Task<string?> PublishAotAsync(CancellationToken cancellationToken)
    {
        var script = RepositoryPaths.Combine("scripts", "publish-probe.sh");
        var start = new ProcessStartInfo("bash", [script, "linux-x64"]) { UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {script}");
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? null : $"{script} linux-x64 failed with exit code {process.ExitCode} (see above)";
    }

    private static List<string> LoopbackHosts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"127.0.{1 + (i / 250)}.{1 + (i % 250)}")];

    private static async Task<ProbeRun> MeasureProbeAsync(ProbeBuild build, string targetsFile, string spool, string connectionString, int seconds, CancellationToken cancellationToken)
    {
        // Enrolled, as a probe must be to start; nothing here verifies what it signs.
        using (var identity = new TestProbe("bench"))
        {
            identity.WriteKeyFile(spool);
        }

        var start = new ProcessStartInfo(build.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "run", $"--Probe:TargetsFile={targetsFile}", "--Probe:IntervalSeconds=1", "--Probe:TimeoutMs=500",
                     "--Probe:Id=bench", $"--Probe:Spool:Path={spool}", $"--Probe:Queue:ConnectionString={connectionString}",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:NetPulse.Probe.Hosting=Information",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        for (var i = build.LeadingArguments.Count - 1; i >= 0; i--)
        {
            start.ArgumentList.Insert(0, build.LeadingArguments[i]);
        }

        var childCpuBefore = ProcessCpu.OfWaitedChildren();
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the probe");
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await Task.Delay(WarmUp, cancellationToken);
        if (process.HasExited)
        {
            throw new InvalidOperationException("the probe exited during warm-up:\n" + string.Join('\n', output));
        }

        var cpu0 = ProcessCpu.Of(process.Id);
        var windowStart = DateTimeOffset.UtcNow;
        var steady = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        var cpu1 = ProcessCpu.Of(process.Id);
        var steadyWall = steady.Elapsed;
        var windowEnd = DateTimeOffset.UtcNow;
        var peak = ProcessCpu.PeakResidentMiB(process.Id);

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var wholeRunCpu = ProcessCpu.OfWaitedChildren() - childCpuBefore;

        string[] lines;
        lock (output)
        {
            lines = [.. output];
        }

        var stats = lines.Select(l => StatsLine().Match(l)).LastOrDefault(m => m.Success)
            ?? throw new InvalidOperationException("the probe printed no engine statistics at shutdown:\n" + string.Join('\n', lines.TakeLast(40)));
        var memory = lines.Select(l => MemoryLine().Match(l)).LastOrDefault(m => m.Success)?.Groups["memory"].Value ?? "not reported";
        return new ProbeRun(
            stats.Groups["engine"].Value,
            (cpu1 - cpu0).TotalSeconds / steadyWall.TotalSeconds,
            wholeRunCpu,
            wall.Elapsed,
            peak,
            stats.Groups["p50"].Value,
            stats.Groups["p99"].Value,
            windowStart,
            windowEnd,
            memory);
    }

    private static async Task<(long Samples, long Successes)> CountQueuedSamplesAsync(string connectionString, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var queue = new QueueClient(connectionString, "ping-batches", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        long samples = 0, successes = 0;
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (messages.Length == 0)
            {
                return (samples, successes);
            }

            foreach (var message in messages)
            {
                // The probe signs every message: the batch is what follows the signature line.
                var batch = PingBatchCodec.Decode(SignedBatchMessage.Parse(message.Body.ToMemory()).Batch.Span);
                foreach (var sample in batch.Targets.SelectMany(t => t.Samples))
                {
                    var at = batch.WindowStart.AddMilliseconds(sample.OffsetMs);
                    if (at >= from && at < to)
                    {
                        samples++;
                        successes += sample.IsSuccess ? 1 : 0;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The samples in the window of the batches the probe left in its spool (unsent at stop). Read as the probe's
    /// <c>SpoolFile</c> writes them: a <see cref="SpoolHeaderLength"/>-byte header, then the batch body as it goes on the queue.
    /// </summary>
    private static async Task<(long Samples, long Successes)> CountSpooledSamplesAsync(string spool, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long samples = 0, successes = 0;
        foreach (var file in Directory.EnumerateFiles(spool, "*.batch"))
        {
            var content = await File.ReadAllBytesAsync(file, cancellationToken);
            var batch = PingBatchCodec.Decode(content.AsSpan(SpoolHeaderLength));
            foreach (var sample in batch.Targets.SelectMany(t => t.Samples))
            {
                var at = batch.WindowStart.AddMilliseconds(sample.OffsetMs);
                if (at >= from && at < to)
                {
                    samples++;
                    successes += sample.IsSuccess ? 1 : 0;
                }
            }
        }

        return (samples, successes);
    }

    /// <summary>The spool file's header: magic, sequence, window start, body length (24 bytes), SHA-256 (32).</summary>
    private const int SpoolHeaderLength = 24 + 32;

    private static async Task<FpingRun> MeasureFpingAsync(string targetsFile, int seconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("fping") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", seconds.ToString(CultureInfo.InvariantCulture), "-p", "1000", "-i", "1", "-q", "-f", targetsFile })
        {
            start.ArgumentList.Add(arg);
        }

        var before = ProcessCpu.OfWaitedChildren();
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start fping (apt-get install fping)");
        var drainOut = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var drainErr = process.StandardError.ReadToEndAsync(cancellationToken);
        var peak = 0.0;
        while (!process.HasExited)
        {
            try
            {
                peak = Math.Max(peak, ProcessCpu.PeakResidentMiB(process.Id));
            }
            catch (IOException)
            {
                // It exited between the check and the read.
            }

            await Task.Delay(500, cancellationToken);
        }

        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(drainOut, drainErr);
        var cpu = ProcessCpu.OfWaitedChildren() - before;
        return new FpingRun(cpu, wall.Elapsed, cpu.TotalSeconds / wall.Elapsed.TotalSeconds, peak);
    }

    [GeneratedRegex(@"Engine (?<engine>\S+) stats: .*lateness p50 (?<p50>[\d.]+) ms, p99 (?<p99>[\d.]+) ms")]
    private static partial Regex StatsLine();

    [GeneratedRegex(@"Probe memory: (?<memory>.+)$")]
    private static partial Regex MemoryLine();

    private sealed record ProbeRun(string Engine, double SteadyCpuFraction, TimeSpan WholeRunCpu, TimeSpan WholeRunWall, double PeakMiB, string LatenessP50, string LatenessP99, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string Memory);

    private sealed record FpingRun(TimeSpan Cpu, TimeSpan Wall, double CpuFraction, double PeakMiB);

    /// <summary>How to start one build of the probe: the JIT build through <c>dotnet</c>, the AOT binary on its own.</summary>
    private sealed record ProbeBuild(string Name, string FileName, IReadOnlyList<string> LeadingArguments);

    private sealed record BuildResult(string Build, ProbeRun Probe, FpingRun Fping, long Samples, long Successes, long Spooled)
    {
        public double CpuRatio => Probe.SteadyCpuFraction / Fping.CpuFraction;

        public double WholeRunRatio => Probe.WholeRunCpu.TotalSeconds / Probe.WholeRunWall.TotalSeconds / Fping.CpuFraction;

        /// <summary>The goal is in MB (10^6 bytes); VmHWM is read in MiB.</summary>
        public double PeakMegabytes => Probe.PeakMiB * 1.048576;

        public double PingsPerSecond => Samples / (Probe.WindowEnd - Probe.WindowStart).TotalSeconds;

        public double SpooledPerSecond => Spooled / (Probe.WindowEnd - Probe.WindowStart).TotalSeconds;
    }
}
