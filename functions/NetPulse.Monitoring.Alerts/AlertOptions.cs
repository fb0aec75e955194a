namespace NetPulse.Monitoring.Alerts;

/// <summary>When alerts are raised, suppressed, repeated, retried and escalated, where they go, and how their times read.</summary>
public sealed class AlertOptions
{
    public const string Section = "NetPulse:Alerts";

    /// <summary>The configuration key of the IANA time zone that emails (and reports) show local times in.</summary>
    public const string TimeZoneKey = "NetPulse:TimeZone";

    /// <summary>The section whose children are the named channels ("NetPulse:Alerts:Channels:ops-teams:Type" …).</summary>
    public const string ChannelsSection = Section + ":Channels";

    /// <summary>No second "opened" notice for the same target and incident type within this span of the last one.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An incident still open this long after its last notice gets a reminder.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The table holding per-target-and-type alert state.</summary>
    public string StateTable { get; set; } = "alertstate";

    /// <summary>The table holding every notice before it is sent, with each channel's delivery state.</summary>
    public string OutboxTable { get; set; } = "alertoutbox";

    /// <summary>How long one delivery attempt on one channel may take (the SMTP timeout of email channels is capped to it).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a channel's first failed attempt; it doubles with each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts, so a notice goes out within minutes of its channel coming back.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a notice is retried on a channel that keeps failing before it is marked undelivered there.</summary>
    public TimeSpan RetryHorizon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The longest time between two full reads of the outbox and the alert state by DeliverAlerts. Between them it reads
    /// only when something this instance wrote or last read is due (<see cref="Outbox.DueWatch"/>); the sweep finds what
    /// other instances wrote. With escalation channels the alert state is swept at least every third of
    /// <see cref="AlertEscalationOptions.After"/>, so an escalation another instance's incident needs comes on time.
    /// </summary>
    public TimeSpan DueSweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The alert state's sweep: <see cref="DueSweepInterval"/>, shorter when escalations are on (see there).</summary>
    internal TimeSpan StateSweepInterval =>
        Escalation.Channels.Count > 0 && Escalation.After / 3 < DueSweepInterval && Escalation.After / 3 > TimeSpan.Zero
            ? Escalation.After / 3
            : DueSweepInterval;

    /// <summary>
    /// The dashboard's public address (e.g. "https://netpulse.example.org/"): notices about an incident then link to the
    /// dashboard's incidents of its target. Unset: no dashboard link.
    /// </summary>
    public string? DashboardBaseUrl { get; set; }

    /// <summary>Which channels get which notices; none: every channel gets everything.</summary>
    public List<AlertRouteOptions> Routes { get; } = [];

    /// <summary>Further channels for down and probe-silent incidents that nobody acknowledged in time.</summary>
    public AlertEscalationOptions Escalation { get; } = new();

    /// <summary>An IANA time zone id such as "Europe/Berlin"; bound from <see cref="TimeZoneKey"/>.</summary>
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>
/// One route: its channels get the notices that pass every filter it sets (an empty filter passes everything).
/// A notice goes to the union of the channels of the routes it passes.
/// </summary>
public sealed class AlertRouteOptions
{
    /// <summary>Names of channels under NetPulse:Alerts:Channels; at least one.</summary>
    public List<string> Channels { get; } = [];

    /// <summary>Target categories, e.g. "internet".</summary>
    public List<string> Categories { get; } = [];

    /// <summary>Target names.</summary>
    public List<string> Targets { get; } = [];

    /// <summary>Probe ids.</summary>
    public List<string> Probes { get; } = [];

    /// <summary>Incident kinds by their API names: down, latency, loss, probeSilent.</summary>
    public List<string> Kinds { get; } = [];

    /// <summary>Notice kinds: opened, resolved, reminder, summary, report.</summary>
    public List<string> Notices { get; } = [];
}

/// <summary>An opened down or probe-silent incident still open and unacknowledged after <see cref="After"/> is announced again on <see cref="Channels"/>.</summary>
public sealed class AlertEscalationOptions
{
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Names of channels under NetPulse:Alerts:Channels; empty: no escalation.</summary>
    public List<string> Channels { get; } = [];
}
