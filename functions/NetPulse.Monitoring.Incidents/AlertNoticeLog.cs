namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Where the alert notices stand, read from the alerts layer's outbox for the API and the daily report, which do not
/// reference that layer (docs/ARCHITECTURE.md): the alerts layer registers the implementation, as with
/// <see cref="IIncidentAnnouncer"/>.
/// </summary>
public interface IAlertNoticeLog
{
    /// <summary>Notices raised in [since, until), newest first.</summary>
    Task<IReadOnlyList<NoticeRecord>> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>One notice and each of its channels' delivery state; states are the API's words (<see cref="NoticeStates"/>).</summary>
public sealed record NoticeRecord(
    string Id,
    string Kind,
    DateTimeOffset RaisedAt,
    string ProbeId,
    bool Escalated,
    IReadOnlyList<NoticeIncident> Incidents,
    IReadOnlyList<NoticeChannel> Channels)
{
    /// <summary>Pending while any channel is; undelivered when any channel ended undelivered or refused; else delivered.</summary>
    public string State =>
        Channels.Any(c => c.State == NoticeStates.Pending) ? NoticeStates.Pending
        : Channels.Any(c => c.State is NoticeStates.Undelivered or NoticeStates.Refused) ? NoticeStates.Undelivered
        : NoticeStates.Delivered;

    public bool IsRefusedSomewhere => Channels.Any(c => c.State == NoticeStates.Refused);
}

/// <summary>An incident a notice tells of: its id, target name (empty for a probe's own incident) and type's API name.</summary>
public sealed record NoticeIncident(string Id, string Target, string Type);

/// <summary>One channel's delivery of a notice. <see cref="LastError"/> is the channel's own (URLs and secrets redacted).</summary>
public sealed record NoticeChannel(
    string Name,
    string? Type,
    string State,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError,
    DateTimeOffset? NextAttemptAt);

/// <summary>The delivery states as the API writes them.</summary>
public static class NoticeStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Undelivered = "undelivered";
    public const string Refused = "refused";
}
