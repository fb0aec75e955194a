namespace NetPulse.Monitoring.Incidents;

/// <summary>The kinds of incident. Each has its row in <see cref="IncidentKind"/>; add one there too (the build says where).</summary>
public enum IncidentType
{
    /// <summary>Consecutive failed rounds.</summary>
    Down,
    /// <summary>Rolling median RTT above the target's threshold.</summary>
    Latency,
    /// <summary>Loss over the window above the target's threshold.</summary>
    Loss,
    /// <summary>A probe sent nothing for too long (raised by the watchdog).</summary>
    ProbeSilent,
}

/// <summary>
/// A period during which one target (or, for <see cref="IncidentType.ProbeSilent"/>, a probe) was in
/// trouble. Times are sample times (UTC), never arrival times.
/// </summary>
public sealed record Incident
{
    /// <summary>Stable id: the same incident has the same id however often its samples are replayed.</summary>
    public required string Id { get; init; }

    public required string ProbeId { get; init; }

    /// <summary>The target's name; empty for <see cref="IncidentType.ProbeSilent"/>.</summary>
    public required string TargetName { get; init; }

    public required IncidentType Type { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>Null while open.</summary>
    public DateTimeOffset? End { get; init; }

    public TimeSpan? Duration => End - Start;

    public bool IsOpen => End is null;

    /// <summary>Worst value seen: median RTT in ms for latency, loss in % for loss, failed rounds for down.</summary>
    public double? PeakValue { get; init; }

    /// <summary>The threshold that was crossed, in the unit of <see cref="PeakValue"/>.</summary>
    public double? Threshold { get; init; }

    /// <summary>When the probe's uplink was down at the same time: the uplink incident this one is grouped under.</summary>
    public string? GroupedUnderIncidentId { get; init; }

    /// <summary>
    /// Set when the incident began inside a maintenance window: the window's id, or <see cref="MaintenanceWindow.MarkedAfterwards"/>
    /// when an admin marked it afterwards. Recorded, not announced, and counted as planned downtime in reports.
    /// </summary>
    public string? MaintenanceWindowId { get; init; }

    public bool IsMaintenance => MaintenanceWindowId is not null;
}
