using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// The probe's real run path (engine, batcher, spool, sender to a fresh Azurite) against N loopback
/// targets at 1 s, then fping on the same targets for the same time, one after the other so they
/// never share the two cores. Prints whole-process CPU, memory, pings per second and send lateness.
/// </summary>
internal static partial class ProbeBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(int seconds, int targetCount, CancellationToken cancellationToken)
    {
        var probeDll = RepositoryPaths.Combine("probe", "NetPulse.Probe", "bin", "Release", "net10.0", "netpulse-probe.dll");
        if (!File.Exists(probeDll))
        {
            Console.Error.WriteLine($"{probeDll} is missing: build Release first (./bench.sh does).");
            return 2;
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

            Console.WriteLine($"probe benchmark: {targetCount} loopback targets (127.0.x.y) at 1 s, {seconds} s measured after {WarmUp.TotalSeconds:0} s warm-up; CPU as a fraction of one core");
            await using var azurite = await Azurite.StartAsync(cancellationToken);
            var probe = await MeasureProbeAsync(probeDll, targetsFile, Path.Combine(work.FullName, "spool"), azurite.ConnectionString, seconds, cancellationToken);
            var (samples, successes) = await CountQueuedSamplesAsync(azurite.ConnectionString, probe.WindowStart, probe.WindowEnd, cancellationToken);
            var fping = await MeasureFpingAsync(fpingFile, seconds, cancellationToken);

            var pingsPerSecond = samples / (probe.WindowEnd - probe.WindowStart).TotalSeconds;
            var ratio = probe.SteadyCpuFraction / fping.CpuFraction;
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine();
            Console.WriteLine(string.Create(inv, $"| measure | probe ({probe.Engine}) | fping | goal |"));
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(inv, $"| CPU, steady state (share of one core) | {probe.SteadyCpuFraction:P1} | {fping.CpuFraction:P1} | probe <= 1.5x fping |"));
            Console.WriteLine(string.Create(inv, $"| CPU ratio probe / fping | {ratio:0.00}x | 1.00x | <= 1.50x {(ratio <= 1.5 ? "(met)" : "(MISSED)")} |"));
            var wholeRatio = (probe.WholeRunCpu.TotalSeconds / probe.WholeRunWall.TotalSeconds) / fping.CpuFraction;
            Console.WriteLine(string.Create(inv, $"| CPU incl. start-up and JIT, whole run | {probe.WholeRunCpu.TotalSeconds:0.00} s over {probe.WholeRunWall.TotalSeconds:0} s ({probe.WholeRunCpu.TotalSeconds / probe.WholeRunWall.TotalSeconds:P1}, {wholeRatio:0.00}x fping) | {fping.Cpu.TotalSeconds:0.00} s over {fping.Wall.TotalSeconds:0} s | |"));
            Console.WriteLine(string.Create(inv, $"| peak resident memory | {probe.PeakMiB:0.0} MiB | {fping.PeakMiB:0.0} MiB | probe < 100 MB {(probe.PeakMiB * 1.048576 < 100 ? "(met)" : "(MISSED)")} |"));
            Console.WriteLine(string.Create(inv, $"| samples stored on the queue per second | {pingsPerSecond:0} ({successes * 100.0 / Math.Max(1, samples):0.0}% replies) | - | {targetCount} |"));
            Console.WriteLine(string.Create(inv, $"| send lateness p50 / p99 | {probe.LatenessP50} / {probe.LatenessP99} ms | - | p99 < 5 ms |"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static List<string> LoopbackHosts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"127.0.{1 + (i / 250)}.{1 + (i % 250)}")];

    private static async Task<ProbeRun> MeasureProbeAsync(string probeDll, string targetsFile, string spool, string connectionString, int seconds, CancellationToken cancellationToken)
    {
        // Enrolled, as a probe must be to start; nothing here verifies what it signs.
        using (var identity = new TestProbe("bench"))
        {
            identity.WriteKeyFile(spool);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     probeDll, "run", $"--Probe:TargetsFile={targetsFile}", "--Probe:IntervalSeconds=1", "--Probe:TimeoutMs=500",
                     "--Probe:Id=bench", $"--Probe:Spool:Path={spool}", $"--Probe:Queue:ConnectionString={connectionString}",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:NetPulse.Probe.Hosting=Information",
                 })
        {
            start.ArgumentList.Add(arg);
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
        return new ProbeRun(
            stats.Groups["engine"].Value,
            (cpu1 - cpu0).TotalSeconds / steadyWall.TotalSeconds,
            wholeRunCpu,
            wall.Elapsed,
            peak,
            stats.Groups["p50"].Value,
            stats.Groups["p99"].Value,
            windowStart,
            windowEnd);
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
                var batch = PingBatchCodec.Decode(message.Body.ToMemory().Span);
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

    private sealed record ProbeRun(string Engine, double SteadyCpuFraction, TimeSpan WholeRunCpu, TimeSpan WholeRunWall, double PeakMiB, string LatenessP50, string LatenessP99, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

    private sealed record FpingRun(TimeSpan Cpu, TimeSpan Wall, double CpuFraction, double PeakMiB);
}
