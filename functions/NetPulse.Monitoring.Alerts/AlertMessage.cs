using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// One message on the legacy "alerts" queue (JSON, camelCase), as versions before the outbox wrote it. Kept only so
/// DeliverAlerts can move what an upgrade leaves on that queue into the outbox; nothing writes it any more.
/// </summary>
public sealed record AlertMessage
{
    public required AlertKind Kind { get; init; }

    /// <summary>One incident for Opened and Resolved; all the already-over incidents for Summary.</summary>
    public required IReadOnlyList<AlertIncident> Incidents { get; init; }

    /// <summary>When ingestion raised the alert (UTC).</summary>
    public required DateTimeOffset RaisedAt { get; init; }
}

/// <summary>An incident with the context an email shows about its target.</summary>
public sealed record AlertIncident
{
    public required Incident Incident { get; init; }

    public string? TargetHost { get; init; }

    public string? TargetCategory { get; init; }

    public string? TargetDescription { get; init; }

    /// <summary>The target's uptime over the 24 h before the alert, in percent, when known.</summary>
    public double? Uptime24hPercent { get; init; }

    /// <summary>
    /// The target's name as people read it when other probes watch a target of the same name, "lab-03 @ office-berlin"
    /// (<see cref="TargetLabels"/>); null when the name alone is unambiguous (and in notices stored before it was kept).
    /// </summary>
    public string? TargetLabel { get; init; }

    /// <summary>
    /// The path at the incident's start in one line (<see cref="AlertText.CompactPath"/>), when the trouble snapshot was
    /// stored by the time the incident opened; null otherwise (alerts never wait for one) and in older notices.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>Other targets' incidents grouped under this one (an uplink outage), by target name.</summary>
    public IReadOnlyList<string> GroupedTargets { get; init; } = [];
}
