using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's Watchdog on the WebJobs SDK.</summary>
public sealed class Watchdog(WatchdogHandler handler)
{
    [FunctionName(nameof(Watchdog))]
    public Task Run([TimerTrigger("%WatchdogSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
