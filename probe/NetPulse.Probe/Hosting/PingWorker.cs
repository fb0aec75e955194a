using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Runs the ping engine over the live target list into the sample channel, and reports the engine's counters and
/// send lateness every few minutes and once more at stop (the benchmark reads that line), with the process's memory
/// (<see cref="ProcessMemory"/>). When the list changes
/// (<see cref="LiveTargets"/>) the engine's run is stopped and started again on the new list: each target's rounds
/// sit on a grid taken from its name (<see cref="PingSchedule.FirstDue"/>), so an unchanged target keeps its phase,
/// a new one starts on its own, a removed one stops and a changed interval reschedules. Rounds in flight at that
/// moment (at most one per target, once per change) give no sample.
/// </summary>
public sealed class PingWorker(
    IPingEngine engine,
    LiveTargets targets,
    SampleChannel channel,
    TimeProvider timeProvider,
    ILogger<PingWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var set = targets.Current;
        logger.LogInformation("Pinging {TargetCount} targets with the {Engine} engine", set.Targets.Count, engine.Name);
        var report = ReportPeriodicallyAsync(stoppingToken);
        try
        {
            while (true)
            {
                var next = await RunUntilChangedAsync(set, stoppingToken);
                logger.LogInformation(
                    "Target list changed (generation {Generation}): {Change}; the engine now runs the new list",
                    next.Generation,
                    LiveTargets.DescribeChange(set, next));
                set = next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
        finally
        {
            Report();
            await report;
        }
    }

    /// <summary>Runs the engine on <paramref name="set"/> until the live list moves on; returns the new list.</summary>
    private async Task<TargetSet> RunUntilChangedAsync(TargetSet set, CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var engineRun = engine.RunAsync(set.Targets, channel.Writer, run.Token);
        var changed = targets.WaitForChangeAsync(set, stoppingToken);
        if (await Task.WhenAny(engineRun, changed) == engineRun)
        {
            await engineRun; // a failure or the stop: both end the worker
            throw new InvalidOperationException($"The {engine.Name} engine stopped on its own.");
        }

        // Changed, or stopping (then the check below ends the worker once the run is down).
        await run.CancelAsync();
        try
        {
            await engineRun;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // The run's own stop: its samples are all written once it returns.
        }

        stoppingToken.ThrowIfCancellationRequested();
        return targets.Current;
    }

    private async Task ReportPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReportEvery, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Report()
    {
        var s = engine.Stats.Snapshot();
        logger.LogInformation(
            "Engine {Engine} stats: {Sent} sent, {Received} replies, {Timeouts} timeouts, {Unreachable} unreachable, {TtlExpired} TTL expired, {ResolveFailed} unresolved, {SendFailed} send failures, {MissedRounds} missed rounds, {DroppedSamples} dropped samples; lateness p50 {LatenessP50} ms, p99 {LatenessP99} ms, max {LatenessMax} ms",
            engine.Name, s.Sent, s.Received, s.Timeouts, s.Unreachable, s.TtlExpired, s.ResolveFailed, s.SendFailed, s.MissedRounds, s.DroppedSamples,
            Milliseconds(s.LatenessP50), Milliseconds(s.LatenessP99), Milliseconds(s.LatenessMax));
        logger.LogInformation("Probe memory: {Memory}", ProcessMemory.Read());
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
}
