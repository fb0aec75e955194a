using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Runs the ping engine over the configured targets into the sample channel, and reports the engine's
/// counters and send lateness every few minutes and once more at stop (the benchmark reads that line).
/// </summary>
public sealed class PingWorker(
    IPingEngine engine,
    IReadOnlyList<ProbeTarget> targets,
    SampleChannel channel,
    TimeProvider timeProvider,
    ILogger<PingWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Pinging {TargetCount} targets with the {Engine} engine", targets.Count, engine.Name);
        var report = ReportPeriodicallyAsync(stoppingToken);
        try
        {
            await engine.RunAsync(targets, channel.Writer, stoppingToken);
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
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
}
