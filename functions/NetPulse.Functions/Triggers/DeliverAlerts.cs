using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Alerts.Outbox;

namespace NetPulse.Functions.Triggers;

/// <summary>Every minute: retries outbox notices that are due, raises reminders and escalations, moves a legacy alerts queue into the outbox.</summary>
public sealed class DeliverAlerts(DeliverAlertsHandler handler)
{
    [Function(nameof(DeliverAlerts))]
    public Task Run([TimerTrigger("%AlertDeliverySchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
