using System.Globalization;
using NetPulse.Testing;
using NetPulse.Testing.Network;

namespace NetPulse.Benchmarks;

/// <summary>
/// Ping to stored and readable, with the probe's default settings (2 s interval, adaptive batches: 60 s calm
/// window, 10 s urgent window): the real probe -> queue -> dev host (host.json) -> tables, on a fresh Azurite,
/// read back through <see cref="SampleWatch"/>. Two cases, each on its own pipeline:
/// <list type="bullet">
/// <item>calm: every target answers; goal p95 at most the calm window + 15 s;</item>
/// <item>unhealthy: one more target, in a network namespace whose link is cut before measuring, fails every
/// round, so the probe stays on short windows; goal p95 at most 15 s, over every watched target.</item>
/// </list>
/// </summary>
/// <remarks>
/// A start counts as a change for the probe (short windows for Probe:Batching:CalmAfter, 2 min), so the calm case
/// sets CalmAfter to 0 and is calm from its first second: the steady state a long-running probe is in, without two
/// minutes of waiting. The unhealthy case needs root (a network namespace); without it the case is skipped, saying why.
/// </remarks>
internal static class FreshnessBenchmark
{
    public static readonly TimeSpan UnhealthyGoal = TimeSpan.FromSeconds(15);

    /// <summary>The probe's default calm window (Probe:Batching:CalmWindow).</summary>
    public static readonly TimeSpan CalmWindow = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan CalmGoal = CalmWindow + TimeSpan.FromSeconds(15);

    private const string CutTarget = "cut";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="seconds">How long samples are measured in each case; the calm case takes at least three calm windows.</param>
    /// <param name="maxPollingSeconds">A what-if value for host.json's maxPollingInterval; null runs with host.json's.</param>
    public static async Task<int> RunAsync(int seconds, int targetCount, int? maxPollingSeconds, CancellationToken cancellationToken)
    {
        var hostJson = HostJsonQueues.Load();
        if (maxPollingSeconds is { } polling)
        {
            hostJson = hostJson with { MaxPollingInterval = TimeSpan.FromSeconds(polling) };
        }

        var whatIf = maxPollingSeconds is null ? null : (TimeSpan?)hostJson.MaxPollingInterval;
        Console.WriteLine(string.Create(Inv,
            $"freshness benchmark: probe '{PipelineRun.ProbeId}' ({targetCount} loopback targets, probe defaults: 2 s interval, calm window {CalmWindow.TotalSeconds:0} s, urgent window 10 s) -> queue -> dev host (host.json{(maxPollingSeconds is null ? "" : " WITH A WHAT-IF OVERRIDE")} maxPollingInterval {hostJson.MaxPollingInterval.TotalSeconds:0.#} s) -> tables, fresh Azurite per case"));
        Console.WriteLine(string.Create(Inv,
            $"reading 3 targets (and the cut one) through SampleReader every {SampleWatch.PollEvery.TotalMilliseconds:0} ms; samples scheduled in the measured period count, and reading goes on until they have had time to arrive"));

        var calm = await CalmAsync(Math.Max(seconds, (int)(3 * CalmWindow.TotalSeconds)), targetCount, whatIf, cancellationToken);
        var unhealthy = NetworkEnvironment.WhyNoNamespaces is not null
            ? null
            : await UnhealthyAsync(seconds, targetCount, whatIf, cancellationToken);

        Console.WriteLine();
        Console.WriteLine("| case | samples measured | per target | p50 s | p95 s | max s | min s | polls (read time p50 / p99 ms) | IngestBatch executions | goal (p95) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(calm.Row("calm (every target answers)", CalmGoal));
        if (unhealthy is not null)
        {
            Console.WriteLine(unhealthy.Row("one target unhealthy (its link cut), all watched targets", UnhealthyGoal));
            Console.WriteLine(unhealthy.Healthy!.Row("  of which the targets that answer", UnhealthyGoal));
        }

        Console.WriteLine();
        Console.WriteLine(calm.Verdict($"calm: p95 <= calm window + 15 s = {CalmGoal.TotalSeconds:0} s", CalmGoal));
        Console.WriteLine(unhealthy is null
            ? $"while a target is unhealthy: NOT MEASURED: {NetworkEnvironment.WhyNoNamespaces}"
            : unhealthy.Verdict($"while a target is unhealthy: p95 <= {UnhealthyGoal.TotalSeconds:0} s", UnhealthyGoal));
        return calm.Ages.Count == 0 || unhealthy is { Ages.Count: 0 } ? 1 : 0;
    }

    private static async Task<CaseResult> CalmAsync(int seconds, int targetCount, TimeSpan? maxPollingInterval, CancellationToken cancellationToken)
    {
        Console.WriteLine(string.Create(Inv, $"calm: measuring {seconds} s, reading {CalmWindow.TotalSeconds + 30:0} s more"));
        await using var azurite = await Azurite.StartAsync(cancellationToken);
        await PipelineRun.CreateDeployedQueuesAsync(azurite.ConnectionString, cancellationToken);
        var watch = new SampleWatch(azurite.ConnectionString, PipelineRun.ProbeId, Watched(targetCount), CalmWindow * 3);
        await using var pipeline = await PipelineRun.StartAsync(
            azurite.ConnectionString, targetCount, intervalSeconds: null, maxPollingInterval, cancellationToken,
            probeSettings: ["--Probe:Batching:CalmAfter=00:00:00"]);
        await pipeline.WaitForFirstIngestAsync(cancellationToken);
        var from = DateTimeOffset.UtcNow;
        var to = from.AddSeconds(seconds);
        await watch.RunAsync(to + CalmWindow + TimeSpan.FromSeconds(30), cancellationToken);
        Check(pipeline);
        return CaseResult.Of(watch, pipeline, from, to, null);
    }

    private static async Task<CaseResult> UnhealthyAsync(int seconds, int targetCount, TimeSpan? maxPollingInterval, CancellationToken cancellationToken)
    {
        Console.WriteLine(string.Create(Inv, $"unhealthy: target '{CutTarget}' in a network namespace, its link cut after the first ingested batch; measuring {seconds} s, reading 30 s more"));
        await using var azurite = await Azurite.StartAsync(cancellationToken);
        await PipelineRun.CreateDeployedQueuesAsync(azurite.ConnectionString, cancellationToken);
        await using var network = await NetworkNamespaceHost.CreateAsync(1, cancellationToken);
        string[] watched = [.. Watched(targetCount), CutTarget];
        var watch = new SampleWatch(azurite.ConnectionString, PipelineRun.ProbeId, watched, TimeSpan.FromSeconds(90));
        await using var pipeline = await PipelineRun.StartAsync(
            azurite.ConnectionString, targetCount, intervalSeconds: null, maxPollingInterval, cancellationToken,
            extraTargets: [(CutTarget, network.TargetAddress.ToString())]);
        await pipeline.WaitForFirstIngestAsync(cancellationToken);
        await network.TakeLinkDownAsync(cancellationToken);

        // The first failed round and its timeout: from here on the target is unhealthy.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var from = DateTimeOffset.UtcNow;
        var to = from.AddSeconds(seconds);
        await watch.RunAsync(to + TimeSpan.FromSeconds(30), cancellationToken);
        Check(pipeline);
        return CaseResult.Of(watch, pipeline, from, to, new HashSet<string>(Watched(targetCount), StringComparer.Ordinal));
    }

    private static string[] Watched(int targetCount) =>
        [.. new[] { 0, targetCount / 2, targetCount - 1 }.Distinct().Select(PipelineRun.TargetName)];

    private static void Check(PipelineRun pipeline)
    {
        if (pipeline.Probe.HasExited || pipeline.DevHost.HasExited)
        {
            throw new InvalidOperationException("the probe or the dev host exited during the run:\n" + pipeline.DevHost.Tail(30) + "\n" + pipeline.Probe.Tail(30));
        }
    }

    private sealed record CaseResult(List<double> Ages, string PerTarget, int Polls, (double P50, double P99) PollMs, int Ingests, CaseResult? Healthy)
    {
        public static CaseResult Of(SampleWatch watch, PipelineRun pipeline, DateTimeOffset from, DateTimeOffset to, ISet<string>? healthy)
        {
            var ingests = pipeline.Executions().Count(e => e.Function == "IngestBatch" && e.End >= from && e.End < to);
            var sub = healthy is null ? null : new CaseResult(watch.Ages(from, to, healthy), "", watch.Polls, watch.PollMilliseconds(), ingests, null);
            return new CaseResult(watch.Ages(from, to), watch.PerTarget(from, to), watch.Polls, watch.PollMilliseconds(), ingests, sub);
        }

        public string Row(string name, TimeSpan goal) => Ages.Count == 0
            ? $"| {name} | 0 | {PerTarget} | - | - | - | - | {Polls} | {Ingests} | {goal.TotalSeconds:0} s |"
            : string.Create(Inv,
                $"| {name} | {Ages.Count} | {PerTarget} | {Percentiles.Of(Ages, 50):0.00} | {Percentiles.Of(Ages, 95):0.00} | {Ages[^1]:0.00} | {Ages[0]:0.00} | {Polls} ({PollMs.P50:0} / {PollMs.P99:0}) | {Ingests} | {goal.TotalSeconds:0} s |");

        public string Verdict(string goal, TimeSpan limit)
        {
            if (Ages.Count == 0)
            {
                return $"{goal}: NO SAMPLE became readable";
            }

            var p95 = Percentiles.Of(Ages, 95);
            return string.Create(Inv,
                $"goal {goal}: p95 {p95:0.00} s {(p95 <= limit.TotalSeconds ? "(met)" : $"(MISSED by {p95 - limit.TotalSeconds:0.00} s)")}");
        }
    }
}
