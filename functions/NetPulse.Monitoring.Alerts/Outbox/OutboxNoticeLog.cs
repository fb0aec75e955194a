using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>The outbox as the API and the daily report read it: notices with their channels' states, in plain words.</summary>
internal sealed class OutboxNoticeLog(AlertOutbox outbox, AlertChannelSet channels) : IAlertNoticeLog
{
    public async Task<IReadOnlyList<NoticeRecord>> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var entries = await outbox.ListAsync(null, since, until, cancellationToken);
        return [.. entries.Select(Record)];
    }

    private NoticeRecord Record(OutboxEntry entry) => new(
        entry.Notice.Id,
        entry.Notice.Kind.ToString().ToLowerInvariant(),
        entry.Notice.RaisedAt,
        entry.ProbeId,
        entry.Notice.Escalated,
        [.. entry.Notice.Incidents.Select(i => new NoticeIncident(i.Incident.Id, i.Incident.TargetName, IncidentKind.Of(i.Incident.Type).ApiName))],
        [.. entry.Deliveries.Select(d => new NoticeChannel(
            d.Channel,
            // A channel removed from the settings since keeps its row; its type is then unknown.
            channels.Find(d.Channel)?.Type,
            d.State switch
            {
                DeliveryState.Pending => NoticeStates.Pending,
                DeliveryState.Delivered => NoticeStates.Delivered,
                DeliveryState.Undelivered => NoticeStates.Undelivered,
                DeliveryState.Refused => NoticeStates.Refused,
            },
            d.Attempts,
            d.LastAttemptAt,
            d.SentAt,
            d.LastError,
            d.State == DeliveryState.Pending ? d.NextAttemptAt ?? entry.StoredAt : null))]);
}
