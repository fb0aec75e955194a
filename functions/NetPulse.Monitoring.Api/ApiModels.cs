namespace NetPulse.Monitoring.Api;

// The API's answers as web/API.md describes them; property order here is the order in the JSON.

/// <summary>GET /api/targets.</summary>
public sealed record TargetList(DateTimeOffset GeneratedAt, IReadOnlyList<ProbeView> Probes, IReadOnlyList<TargetView> Targets);

/// <summary>
/// A probe: when its newest round was, whether the watchdog has it open as silent, and its site (text from the probe:
/// escape it), which names it where a target name is ambiguous (<see cref="Incidents.TargetLabels"/>).
/// </summary>
public sealed record ProbeView(string ProbeId, DateTimeOffset? LastSeenAt, bool Silent, string? Site = null);

/// <summary>A target with its live figures. Name, host, category and description are text from config: escape them.</summary>
public sealed record TargetView
{
    public required string Id { get; init; }

    public required string ProbeId { get; init; }

    public required string Name { get; init; }

    public required string Host { get; init; }

    public string? Category { get; init; }

    public string? Description { get; init; }

    public bool Uplink { get; init; }

    public int IntervalMs { get; init; }

    /// <summary>up, degraded, down or unknown (no round yet, or the probe is silent).</summary>
    public required string Status { get; init; }

    public DateTimeOffset? LastSampleAt { get; init; }

    /// <summary>Null when the last round failed or there is none.</summary>
    public double? LastRttMs { get; init; }

    public double? Loss1hPercent { get; init; }

    public double? Uptime24hPercent { get; init; }

    public double LatencyThresholdMs { get; init; }

    public double LossThresholdPercent { get; init; }

    /// <summary>The last hour, one point per minute with rounds: the median RTT, null when every round failed.</summary>
    public required IReadOnlyList<SparkPoint> Sparkline { get; init; }

    public required IReadOnlyList<IncidentView> OpenIncidents { get; init; }
}

public sealed record SparkPoint(DateTimeOffset T, double? RttMs);

/// <summary>GET /api/targets/{id}/series.</summary>
public sealed record SeriesView(TargetView Target, DateTimeOffset From, DateTimeOffset To, string Resolution, int StepSeconds, IReadOnlyList<SeriesPoint> Points);

/// <summary>One step of a series: RTT figures over its successful rounds (null when none), loss over all its rounds.</summary>
public sealed record SeriesPoint(DateTimeOffset T, double? MinMs, double? P50Ms, double? MaxMs, double LossPercent, int Count);

/// <summary>GET /api/incidents.</summary>
public sealed record IncidentList(IReadOnlyList<IncidentView> Incidents);

public sealed record IncidentView
{
    public required string Id { get; init; }

    public required string ProbeId { get; init; }

    /// <summary>Null for a probe-silent incident, which concerns the probe, not a target.</summary>
    public string? TargetId { get; init; }

    /// <summary>Empty for a probe-silent incident.</summary>
    public required string TargetName { get; init; }

    /// <summary>down, latency, loss or probeSilent.</summary>
    public required string Type { get; init; }

    public required DateTimeOffset Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>Whole seconds; for an open incident, so far.</summary>
    public long DurationSeconds { get; init; }

    public double? PeakValue { get; init; }

    public double? Threshold { get; init; }

    public string? GroupedUnderIncidentId { get; init; }

    /// <summary>The maintenance window the incident began in ("marked" when marked afterwards); null when unplanned.</summary>
    public string? MaintenanceWindowId { get; init; }

    /// <summary>Who acknowledged the incident and when; null when nobody did.</summary>
    public AcknowledgementView? Acknowledgement { get; init; }
}

/// <summary>An incident's acknowledgement: the signed-in name, "local" with sign-in open, or "link" from a message's link.</summary>
public sealed record AcknowledgementView(string By, DateTimeOffset At, string? Note);

/// <summary>GET /api/reports: the reported dates newest first, and the same days' summaries (grades, counts).</summary>
public sealed record ReportDateList(IReadOnlyList<string> Dates, IReadOnlyList<Reports.DailyReportSummary> Reports);
