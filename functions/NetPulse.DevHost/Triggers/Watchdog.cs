using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's Watchdog on the WebJobs SDK.</summary>
public sealed class Watchdog(WatchdogHandler handler, PoisonQueueWatch poison)
{
    [FunctionName(nameof(Watchdog))]
    public async Task Run([TimerTrigger("%WatchdogSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        await handler.RunAsync(cancellationToken);

        // Every minute, so the poison-queue alert (infra/app/alerts.bicep) fires within minutes of a refused batch.
        await poison.RunAsync(cancellationToken);
    }
}
