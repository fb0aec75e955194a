using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Alerts.Outbox;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's DeliverAlerts on the WebJobs SDK.</summary>
public sealed class DeliverAlerts(DeliverAlertsHandler handler)
{
    [FunctionName(nameof(DeliverAlerts))]
    public Task Run([TimerTrigger("%AlertDeliverySchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
