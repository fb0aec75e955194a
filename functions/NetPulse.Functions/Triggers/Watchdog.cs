using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Functions.Triggers;

/// <summary>Opens and resolves probe-silent incidents.</summary>
public sealed class Watchdog(WatchdogHandler handler)
{
    [Function(nameof(Watchdog))]
    public Task Run([TimerTrigger("%WatchdogSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
