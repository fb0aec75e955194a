using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Alerts;

namespace NetPulse.Functions.Triggers;

/// <summary>Reminds of incidents still open a reminder interval after their last mail.</summary>
public sealed class RemindAlerts(AlertReminderHandler handler)
{
    [Function(nameof(RemindAlerts))]
    public Task Run([TimerTrigger("%ReminderSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
