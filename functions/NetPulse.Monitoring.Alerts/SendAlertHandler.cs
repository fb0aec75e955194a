using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Turns a message from the "alerts" queue into email. A failed send throws, so the queue retries the
/// message and finally poison-queues it; ingestion never waits on this.
/// </summary>
/// <remarks>
/// State is written only after SMTP accepted the mail, so a failed send is retried and never lost. The
/// price is at-least-once delivery: when SMTP accepted the mail but the state write then failed, or the
/// function died in between, the retry sends the same mail again. A duplicate is better than a lost alert.
/// The recovery mail is always sent (no cooldown) so nobody is left believing a target is still down.
/// </remarks>
public sealed class SendAlertHandler(
    AlertEmailBuilder emails,
    AlertMailer mailer,
    AlertStateStore states,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<SendAlertHandler> logger)
{
    private readonly TimeSpan _cooldown = options.Value.Cooldown;

    /// <summary>Handles the queue message's text.</summary>
    /// <exception cref="InvalidAlertMessageException">The text is not an alert message (retrying cannot help; it ends in the poison queue).</exception>
    public Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        AlertMessage alert;
        try
        {
            alert = AlertMessageCodec.Decode(message);
        }
        catch (InvalidAlertMessageException ex)
        {
            logger.LogError("Alert message rejected: {Reason}", ex.Message);
            throw;
        }

        return HandleAsync(alert, cancellationToken);
    }

    public Task HandleAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind switch
        {
            AlertKind.Opened => OpenedAsync(message.Incidents[0], cancellationToken),
            AlertKind.Resolved => ResolvedAsync(message.Incidents[0], cancellationToken),
            AlertKind.Summary => SummaryAsync(message.Incidents, cancellationToken),
        };
    }

    private async Task OpenedAsync(AlertIncident alert, CancellationToken cancellationToken)
    {
        var incident = alert.Incident;
        var key = AlertKey.Of(incident);
        var state = await states.GetAsync(key, cancellationToken);

        if (state?.OpenIncident?.Incident.Id == incident.Id || state?.LastResolvedIncidentId == incident.Id)
        {
            // A redelivered message, or the recovery overtook the opening: either way nothing is left to say.
            logger.LogInformation("Opened alert for incident {IncidentId} already handled; not sent again", incident.Id);
            return;
        }

        var now = time.GetUtcNow();
        var lastMail = state?.LastOpenedMailAt;
        var held = lastMail is { } last && now - last < _cooldown;
        if (held)
        {
            logger.LogInformation(
                "Opened alert for incident {IncidentId} ({IncidentType} on {TargetName}) held back: last mail for this target and type at {LastMailAt}, cooldown {Cooldown}",
                incident.Id, incident.Type, incident.TargetName, lastMail, _cooldown);
        }
        else
        {
            await mailer.SendAsync(emails.Opened(alert, now), incident.Id, startsThread: true, cancellationToken);
            logger.LogInformation(
                "Opened alert for incident {IncidentId} ({IncidentType} on {TargetName}) sent", incident.Id, incident.Type, incident.TargetName);
        }

        await states.UpdateAsync(
            key,
            current =>
            {
                var next = current ?? new AlertState { Key = key };
                var mailedAt = held ? next.LastOpenedMailAt : Later(next.LastOpenedMailAt, now);
                return next.LastResolvedIncidentId == incident.Id
                    ? next with { LastOpenedMailAt = mailedAt }
                    : next with { OpenIncident = alert, LastOpenedMailAt = mailedAt };
            },
            cancellationToken);
    }

    private async Task ResolvedAsync(AlertIncident alert, CancellationToken cancellationToken)
    {
        var incident = alert.Incident;
        var key = AlertKey.Of(incident);
        var state = await states.GetAsync(key, cancellationToken);
        if (state?.LastResolvedIncidentId == incident.Id)
        {
            logger.LogInformation("Resolved alert for incident {IncidentId} already sent; not sent again", incident.Id);
            return;
        }

        await mailer.SendAsync(emails.Resolved(alert), incident.Id, startsThread: false, cancellationToken);
        logger.LogInformation(
            "Resolved alert for incident {IncidentId} ({IncidentType} on {TargetName}) sent", incident.Id, incident.Type, incident.TargetName);
        await states.UpdateAsync(key, current => Resolve(current, key, incident.Id), cancellationToken);
    }

    private async Task SummaryAsync(IReadOnlyList<AlertIncident> alerts, CancellationToken cancellationToken)
    {
        // A summary has no identity of its own to deduplicate on; a redelivered one is sent again.
        await mailer.SendAsync(emails.Summary(alerts), incidentId: null, startsThread: false, cancellationToken);
        logger.LogInformation("Summary alert of {IncidentCount} already-over incidents sent", alerts.Count);

        // An incident in the summary is over: stop any reminder that an earlier "opened" alert started.
        foreach (var alert in alerts)
        {
            var key = AlertKey.Of(alert.Incident);
            var id = alert.Incident.Id;
            await states.UpdateAsync(
                key,
                current => current?.OpenIncident?.Incident.Id == id ? Resolve(current, key, id) : null,
                cancellationToken);
        }
    }

    private static AlertState Resolve(AlertState? current, AlertKey key, string incidentId)
    {
        var next = current ?? new AlertState { Key = key };
        return next with
        {
            OpenIncident = next.OpenIncident?.Incident.Id == incidentId ? null : next.OpenIncident,
            LastResolvedIncidentId = incidentId,
        };
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
