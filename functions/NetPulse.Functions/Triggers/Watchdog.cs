using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Functions.Triggers;

/// <summary>Opens and resolves probe-silent incidents, and reports the poison queues' depth.</summary>
public sealed class Watchdog(WatchdogHandler handler, PoisonQueueWatch poison)
{
    [Function(nameof(Watchdog))]
    public async Task Run([TimerTrigger("%WatchdogSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        await handler.RunAsync(cancellationToken);

        // Every minute, so the poison-queue alert (infra/app/alerts.bicep) fires within minutes of a refused batch.
        await poison.RunAsync(cancellationToken);
    }
}
