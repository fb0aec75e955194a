using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Channels;

/// <summary>What a notice tells people. One seam for every channel: each builds its own message from it.</summary>
public enum NoticeKind
{
    /// <summary>An incident opened and is still open.</summary>
    Opened,
    /// <summary>An open incident resolved.</summary>
    Resolved,
    /// <summary>An incident is still open a reminder interval after the last notice about it.</summary>
    Reminder,
    /// <summary>A late backlog revealed incidents that are already over: one notice for all of them.</summary>
    Summary,
    /// <summary>A report (daily, weekly) is ready: <see cref="AlertNotice.Report"/> says which.</summary>
    Report,
}

/// <summary>
/// One thing to tell people, as every channel receives it. Built by the alerts layer from the outbox; a channel's
/// message builder turns it into its own format (email, JSON, Adaptive Card, Block Kit, ntfy) and escapes every
/// value that comes from configuration or a probe (target names, hosts, descriptions) for that format.
/// </summary>
public sealed record AlertNotice
{
    /// <summary>Stable id of the notice (its outbox row): the same notice delivered twice carries the same id, so a receiver can deduplicate.</summary>
    public required string Id { get; init; }

    public required NoticeKind Kind { get; init; }

    /// <summary>One incident for Opened, Resolved and Reminder; every already-over incident for Summary; none for Report.</summary>
    public required IReadOnlyList<AlertIncident> Incidents { get; init; }

    /// <summary>When the notice was raised (UTC): when detection decided it, not when a retry delivers it.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>The report a <see cref="NoticeKind.Report"/> notice announces; null otherwise.</summary>
    public ReportNotice? Report { get; init; }

    /// <summary>True when the notice goes to further channels because nobody acknowledged the incident in time.</summary>
    public bool Escalated { get; init; }

    /// <summary>A signed link that acknowledges the incident; null when acknowledgement is not configured.</summary>
    public Uri? AcknowledgeUrl { get; init; }

    /// <summary>The dashboard page of the incident (or report); null when no dashboard address is configured.</summary>
    public Uri? DashboardUrl { get; init; }
}

/// <summary>A report that is ready, as a notice tells of it: a title and a few lines, not the report itself.</summary>
public sealed record ReportNotice
{
    /// <summary>E.g. "Daily report 2026-12-05".</summary>
    public required string Title { get; init; }

    /// <summary>A few plain-text lines (grade, uptime, incidents); channels escape them.</summary>
    public required IReadOnlyList<string> Lines { get; init; }
}

/// <summary>
/// One configured destination (named in configuration, e.g. "ops-teams"). Delivers a notice or throws
/// <see cref="AlertDeliveryException"/>; the outbox keeps a per-channel sent mark and retries what failed, so a
/// channel never retries on its own beyond one request and never swallows a failure.
/// </summary>
public interface IAlertChannel
{
    /// <summary>The configured name (the key under NetPulse:Alerts:Channels), as routes and sent marks refer to it.</summary>
    string Name { get; }

    /// <summary>The channel type, e.g. "email", "webhook", "teams", "slack", "ntfy".</summary>
    string Type { get; }

    /// <summary>Delivers the notice once. Returns when the receiver accepted it.</summary>
    /// <exception cref="AlertDeliveryException">Not accepted; <see cref="AlertDeliveryException.IsTransient"/> says whether a retry can help.</exception>
    Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken);
}

/// <summary>
/// Makes the channels of one type from their configuration sections. Registered once per type; the alerts layer
/// finds the factory by <see cref="Type"/> for each section under NetPulse:Alerts:Channels, validates all of them at
/// start (every problem listed, with the channel's name and key), and creates the channels.
/// </summary>
public interface IAlertChannelFactory
{
    /// <summary>The value of a channel section's "Type" key this factory serves (lower case).</summary>
    string Type { get; }

    /// <summary>Every problem with the section, each naming the key, e.g. "NetPulse:Alerts:Channels:ops:Url must be an absolute https URL". Empty when valid.</summary>
    IReadOnlyList<string> Validate(string name, IConfigurationSection section);

    /// <summary>The channel of a section that <see cref="Validate"/> accepted.</summary>
    IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services);
}

/// <summary>A channel did not accept a notice.</summary>
public sealed class AlertDeliveryException : Exception
{
    public AlertDeliveryException()
    {
    }

    public AlertDeliveryException(string message)
        : base(message)
    {
    }

    public AlertDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AlertDeliveryException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>
    /// True when a later try can succeed: connection refused or reset, a timeout, DNS failure, HTTP 408, 425, 429
    /// and 5xx, SMTP 4xx. False for what only a fix of configuration can cure (HTTP 400, 401, 403, 404, 410, 413,
    /// SMTP 5xx): the outbox then stops retrying that channel for the notice and shows it as undelivered at once.
    /// </summary>
    public bool IsTransient { get; } = true;
}
