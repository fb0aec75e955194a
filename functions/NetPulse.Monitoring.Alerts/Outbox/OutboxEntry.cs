using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Azure;
using NetPulse.Monitoring.Alerts.Channels;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>Where one notice stands on one channel.</summary>
public enum DeliveryState
{
    /// <summary>Not yet accepted; tried again at <see cref="ChannelDelivery.NextAttemptAt"/>.</summary>
    Pending,
    /// <summary>The channel accepted it: never sent there again.</summary>
    Delivered,
    /// <summary>Still failing when the retry horizon ran out.</summary>
    Undelivered,
    /// <summary>The channel refused it for a reason a retry cannot cure (configuration): not retried.</summary>
    Refused,
}

/// <summary>The sent mark and retry schedule of one notice on one channel.</summary>
public sealed record ChannelDelivery
{
    public required string Channel { get; init; }

    public DeliveryState State { get; init; }

    /// <summary>Attempts made (a channel skipped while its circuit is open is not attempted).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When the channel accepted the notice.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Why the last attempt failed; null after a success.</summary>
    public string? LastError { get; init; }

    /// <summary>When a pending delivery is due; null when due at once.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public bool IsDue(DateTimeOffset now) => State == DeliveryState.Pending && (NextAttemptAt is not { } next || next <= now);
}

/// <summary>One outbox row: a notice, stored before anything is sent, with its routed channels' delivery states.</summary>
public sealed record OutboxEntry
{
    public required AlertNotice Notice { get; init; }

    /// <summary>The probe the notice is about (the row's partition); empty for a report.</summary>
    public required string ProbeId { get; init; }

    /// <summary>When the row was written: the retry horizon counts from it.</summary>
    public required DateTimeOffset StoredAt { get; init; }

    public required IReadOnlyList<ChannelDelivery> Deliveries { get; init; }

    /// <summary>The version read, for the conditional write that records an attempt.</summary>
    [JsonIgnore]
    internal ETag ETag { get; init; }

    /// <summary>Pending while any channel is; else undelivered when any channel did not take it; else delivered.</summary>
    public NoticeState State =>
        Deliveries.Any(d => d.State == DeliveryState.Pending) ? NoticeState.Pending
        : Deliveries.Any(d => d.State is DeliveryState.Undelivered or DeliveryState.Refused) ? NoticeState.Undelivered
        : NoticeState.Delivered;

    /// <summary>The earliest due time of a pending channel; null when none is pending.</summary>
    public DateTimeOffset? NextAttemptAt
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var delivery in Deliveries.Where(d => d.State == DeliveryState.Pending))
            {
                var due = delivery.NextAttemptAt ?? StoredAt;
                next = next is { } n && n <= due ? n : due;
            }

            return next;
        }
    }
}

/// <summary>Where a whole notice stands: what /api/alerts filters on and the dashboard counts.</summary>
public enum NoticeState
{
    Pending,
    Delivered,
    Undelivered,
}

/// <summary>
/// Notice ids: deterministic from what the notice is about, so a replayed batch or a second timer run that decides
/// the same thing writes the same row key, and the outbox insert conflict says "already there".
/// </summary>
public static class NoticeIds
{
    public static string Of(NoticeKind kind, string incidentId, string? ordinal = null) =>
        $"{Prefix(kind)}-{Hash(ordinal is null ? incidentId : $"{incidentId}\n{ordinal}")}";

    /// <summary>A summary is identified by the set of incidents it tells of.</summary>
    public static string Summary(IEnumerable<string> incidentIds) =>
        $"{Prefix(NoticeKind.Summary)}-{Hash(string.Join('\n', incidentIds.Order(StringComparer.Ordinal)))}";

    public static string Escalation(string incidentId) => $"escalated-{Hash(incidentId)}";

    private static string Prefix(NoticeKind kind) => kind switch
    {
        NoticeKind.Opened => "opened",
        NoticeKind.Resolved => "resolved",
        NoticeKind.Reminder => "reminder",
        NoticeKind.Summary => "summary",
        NoticeKind.Report => "report",
    };

    // Incident ids may hold characters that row keys forbid; a hash is key-safe and fixed in length.
    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
