namespace NetPulse.Monitoring.Alerts;

/// <summary>When alerts are sent, suppressed or repeated, and how their times read.</summary>
public sealed class AlertOptions
{
    public const string Section = "NetPulse:Alerts";

    /// <summary>The configuration key of the IANA time zone that emails (and reports) show local times in.</summary>
    public const string TimeZoneKey = "NetPulse:TimeZone";

    /// <summary>No second "opened" mail for the same target and incident type within this span of the last one.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An incident still open this long after its last mail gets a reminder.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The table holding per-target-and-type alert state.</summary>
    public string StateTable { get; set; } = "alertstate";

    /// <summary>An IANA time zone id such as "Europe/Berlin"; bound from <see cref="TimeZoneKey"/>.</summary>
    public string TimeZone { get; set; } = "UTC";
}
