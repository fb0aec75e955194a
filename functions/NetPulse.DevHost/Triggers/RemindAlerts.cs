using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Alerts;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's RemindAlerts on the WebJobs SDK.</summary>
public sealed class RemindAlerts(AlertReminderHandler handler)
{
    [FunctionName(nameof(RemindAlerts))]
    public Task Run([TimerTrigger("%ReminderSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
