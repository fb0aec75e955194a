using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// Ping to stored and readable, with default settings: the real probe (its default interval and 10 s batch
/// window; only the targets are set) -> queue -> dev host (host.json) -> tables, on a fresh Azurite. A reader
/// polls the library's <see cref="SampleReader"/> for a few targets' newest samples every 250 ms and records,
/// for each sample, the first time it was readable minus its scheduled time.
/// </summary>
/// <remarks>
/// A batch is one entity, so every target of a batch becomes readable at the same moment: watching the first,
/// a middle and the last target shows that and keeps the reader's own load on Azurite small. Stored samples
/// carry their schedule slot (the whole second), so a figure can be up to 1 s above the ping's exact time.
/// </remarks>
internal static class FreshnessBenchmark
{
    public static readonly TimeSpan Goal = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Samples scheduled this close to the end may not have had their chance to arrive; they are left out.</summary>
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(30);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="maxPollingSeconds">A what-if value for host.json's maxPollingInterval; null runs with host.json's.</param>
    public static async Task<int> RunAsync(int seconds, int targetCount, int? maxPollingSeconds, CancellationToken cancellationToken)
    {
        if (seconds <= Tail.TotalSeconds)
        {
            Console.Error.WriteLine($"freshness needs more than {Tail.TotalSeconds:0} s.");
            return 2;
        }

        var hostJson = HostJsonQueues.Load();
        if (maxPollingSeconds is { } polling)
        {
            hostJson = hostJson with { MaxPollingInterval = TimeSpan.FromSeconds(polling) };
        }

        string[] watched = [.. new[] { 0, targetCount / 2, targetCount - 1 }.Distinct().Select(PipelineRun.TargetName)];
        Console.WriteLine(string.Create(Inv,
            $"freshness benchmark: probe '{PipelineRun.ProbeId}' ({targetCount} loopback targets, probe defaults: 2 s interval, 10 s batch window) -> queue -> dev host (host.json{(maxPollingSeconds is null ? "" : " WITH A WHAT-IF OVERRIDE")} maxPollingInterval {hostJson.MaxPollingInterval.TotalSeconds:0.#} s) -> tables, fresh Azurite"));
        Console.WriteLine(string.Create(Inv,
            $"reading targets {string.Join(", ", watched)} through SampleReader every {PollEvery.TotalMilliseconds:0} ms for {seconds} s; samples scheduled in the last {Tail.TotalSeconds:0} s are left out"));

        await using var azurite = await Azurite.StartAsync(cancellationToken);
        await PipelineRun.CreateDeployedQueuesAsync(azurite.ConnectionString, cancellationToken);
        using var tables = new MonitoringTables(new TableServiceClient(azurite.ConnectionString), Options.Create(new StorageOptions()));
        var reader = new SampleReader(tables);
        var firstReadable = new Dictionary<(string Target, DateTimeOffset Time), DateTimeOffset>();
        var polls = 0;
        var pollTimes = new List<double>();
        DateTimeOffset from, to;
        int ingests;
        await using (var pipeline = await PipelineRun.StartAsync(
            azurite.ConnectionString, targetCount, intervalSeconds: null, maxPollingSeconds is null ? null : hostJson.MaxPollingInterval, cancellationToken))
        {
            await pipeline.WaitForFirstIngestAsync(cancellationToken);
            from = DateTimeOffset.UtcNow;
            to = from.AddSeconds(seconds);
            using var timer = new PeriodicTimer(PollEvery);
            while (DateTimeOffset.UtcNow < to && await timer.WaitForNextTickAsync(cancellationToken))
            {
                var started = Stopwatch.GetTimestamp();
                var now = DateTimeOffset.UtcNow;
                var reads = watched.Select(t => reader.GetSamplesAsync(PipelineRun.ProbeId, t, now.AddSeconds(-60), now.AddSeconds(5), cancellationToken)).ToList();
                await Task.WhenAll(reads);

                // The moment the answer is back bounds "readable" from above; the poll period bounds the error.
                var seen = DateTimeOffset.UtcNow;
                for (var i = 0; i < watched.Length; i++)
                {
                    foreach (var sample in reads[i].Result)
                    {
                        firstReadable.TryAdd((watched[i], sample.Time), seen);
                    }
                }

                polls++;
                pollTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            ingests = pipeline.Executions().Count(e => e.Function == "IngestBatch" && e.End >= from && e.End < to);
            if (pipeline.Probe.HasExited || pipeline.DevHost.HasExited)
            {
                throw new InvalidOperationException("the probe or the dev host exited during the run:\n" + pipeline.DevHost.Tail(30) + "\n" + pipeline.Probe.Tail(30));
            }
        }

        // Samples scheduled after the reader started and early enough to have arrived.
        var measured = firstReadable
            .Where(p => p.Key.Time >= from && p.Key.Time < to - Tail)
            .Select(p => (p.Value - p.Key.Time).TotalSeconds)
            .Order()
            .ToList();
        if (measured.Count == 0)
        {
            Console.Error.WriteLine("no sample became readable during the run");
            return 1;
        }

        var perTarget = firstReadable.Where(p => p.Key.Time >= from && p.Key.Time < to - Tail).GroupBy(p => p.Key.Target).ToDictionary(g => g.Key, g => g.Count());
        pollTimes.Sort();
        var p50 = Percentiles.Of(measured, 50);
        var p95 = Percentiles.Of(measured, 95);
        Console.WriteLine();
        Console.WriteLine("| samples measured | per target | p50 s | p95 s | max s | min s | polls (read time p50 / p99 ms) | IngestBatch executions |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(Inv,
            $"| {measured.Count} | {string.Join(" / ", watched.Select(t => perTarget.GetValueOrDefault(t)))} | {p50:0.00} | {p95:0.00} | {measured[^1]:0.00} | {measured[0]:0.00} | {polls} ({Percentiles.Of(pollTimes, 50):0} / {Percentiles.Of(pollTimes, 99):0}) | {ingests} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"goal: p95 < {Goal.TotalSeconds:0} s from ping (scheduled time) to stored and readable: p95 {p95:0.00} s {(p95 < Goal.TotalSeconds ? "(met)" : $"(MISSED by {p95 - Goal.TotalSeconds:0.00} s)")}"));
        return 0;
    }
}
