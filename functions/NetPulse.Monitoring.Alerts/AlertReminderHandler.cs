
namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Run by a timer: every incident that is still open a reminder interval after its last mail gets a
/// reminder. "Open" is what the alert sender knows: opened and not yet resolved on the alerts queue.
/// </summary>
public sealed class AlertReminderHandler(
    AlertEmailBuilder emails,
    AlertMailer mailer,
    AlertStateStore states,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertReminderHandler> logger)
{
    private readonly TimeSpan _interval = options.Value.ReminderInterval;

    /// <summary>Sends the reminders that are due; returns how many. An SMTP failure throws: the next run tries again.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = 0;
        await foreach (var state in states.OpenAsync(cancellationToken))
        {
            if (state.OpenIncident is not { } alert)
            {
                continue;
            }

            var since = state.LastOpenedMailAt ?? alert.Incident.Start;
            if (now - since < _interval)
            {
                continue;
            }

            var incidentId = alert.Incident.Id;
            await mailer.SendAsync(emails.Reminder(alert, now), incidentId, startsThread: false, cancellationToken);
            sent++;
            logger.LogInformation(
                "Reminder for incident {IncidentId} ({IncidentType} on {TargetName}) sent, open since {IncidentStart}",
                incidentId, alert.Incident.Type, alert.Incident.TargetName, alert.Incident.Start);

            await states.UpdateAsync(
                state.Key,
                current => current?.OpenIncident?.Incident.Id == incidentId ? current with { LastOpenedMailAt = now } : null,
                cancellationToken);
        }

        return sent;
    }
}
