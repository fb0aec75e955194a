using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Where a target sits on the path out, so the pack can put the control targets side by side: loss at the gateway
/// is the LAN's, loss that begins at the ISP's edge is the ISP's.
/// </summary>
public enum ControlRole
{
    /// <summary>The probe's gateway or uplink: category "lan", or the <see cref="TargetSettings.Uplink"/> flag.</summary>
    Gateway,

    /// <summary>The ISP's first hops: category "isp" or "isp-edge".</summary>
    IspEdge,

    /// <summary>Anything beyond: category "internet".</summary>
    Internet,

    /// <summary>Any other category (servers, loopback): in the tables, not among the control targets.</summary>
    Other,
}

/// <summary>
/// A run of consecutive failed rounds: from the first failed round's slot to the end of the last one's interval
/// (<see cref="Start"/> + rounds × interval when no round is missing). A gap in the data longer than 1.5 intervals
/// ends a run: a missing round is no data, not proof of loss.
/// </summary>
public sealed record LossBurst(DateTimeOffset Start, DateTimeOffset End, int Rounds)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>
/// One local hour of one local date. The hour clocks skip (spring forward) does not exist: <see cref="HourExists"/>
/// is false and it has no rounds. The hour clocks repeat (fall back) is one cell holding both UTC hours' rounds.
/// No rounds is "no data" (null loss), which is not 0 % loss.
/// </summary>
public sealed record HeatmapCell
{
    public required DateOnly Date { get; init; }

    /// <summary>The local hour, 0–23.</summary>
    public required int Hour { get; init; }

    public bool HourExists { get; init; } = true;

    public int Rounds { get; init; }

    public int Replies { get; init; }

    public bool HasData => Rounds > 0;

    /// <summary>Failed rounds in percent; null without rounds.</summary>
    public double? LossPercent => Rounds == 0 ? null : 100.0 * (Rounds - Replies) / Rounds;

    /// <summary>Nearest-rank 95th percentile of the hour's RTTs; null without replies.</summary>
    public double? P95Ms { get; init; }
}

/// <summary>One target's period.</summary>
public sealed record TargetEvidence
{
    public required string ProbeId { get; init; }

    public required TargetSettings Settings { get; init; }

    public string TargetName => Settings.Name;

    public required ControlRole Role { get; init; }

    public required double LatencyThresholdMs { get; init; }

    public required double LossThresholdPercent { get; init; }

    /// <summary>Every round of the period, from raw samples: sent = Count, received = Successes; percentiles nearest-rank, jitter the mean absolute difference of consecutive replies.</summary>
    public required SampleStatistics Statistics { get; init; }

    /// <summary><see cref="Reports.MeanOpinionScore"/> of the period's average RTT, jitter and loss; null without replies.</summary>
    public double? MeanOpinionScore { get; init; }

    public LossBurst? LongestLossBurst { get; init; }

    /// <summary>Loss bursts of at least <see cref="EvidenceCalculator.OutageThreshold"/>, oldest first.</summary>
    public IReadOnlyList<LossBurst> Outages { get; init; } = [];

    /// <summary>Rounds the period holds at the target's (current) interval.</summary>
    public long ExpectedRounds { get; init; }

    /// <summary>Rounds stored in percent of <see cref="ExpectedRounds"/>, at most 100.</summary>
    public double CoveragePercent { get; init; }

    public double? UptimePercent { get; init; }

    public double? LossWhileUpPercent { get; init; }

    public ReportGrade? Grade { get; init; }

    public string GradeReason { get; init; } = "";

    /// <summary>Local date × local hour, dates in order, hours 0–23 each.</summary>
    public IReadOnlyList<HeatmapCell> Heatmap { get; init; } = [];
}

/// <summary>An incident in the pack's log, as stored (UTC); the document shows it in the report zone with its offset.</summary>
public sealed record EvidenceIncident
{
    public required string Id { get; init; }

    /// <summary>Empty for a probe-silent incident.</summary>
    public required string TargetName { get; init; }

    public required IncidentType Type { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>Null while open.</summary>
    public DateTimeOffset? End { get; init; }

    public double? PeakValue { get; init; }

    public double? Threshold { get; init; }

    /// <summary>Began in a maintenance window.</summary>
    public bool Planned { get; init; }

    /// <summary>The path to the target when the incident began (<see cref="IIncidentPathSource"/>); null when none was taken.</summary>
    public PathSnapshot? Path { get; init; }
}

/// <summary>A probe's evidence over a week or a month.</summary>
public sealed record EvidencePack
{
    public required string ProbeId { get; init; }

    /// <summary>The probe's site as it reports it; null when unknown.</summary>
    public string? Site { get; init; }

    public required EvidencePeriod Period { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required GradeCounts Grades { get; init; }

    /// <summary>Worst grade first, then by name (the daily report's order).</summary>
    public required IReadOnlyList<TargetEvidence> Targets { get; init; }

    /// <summary>Oldest first, at most <see cref="EvidenceCalculator.MaxIncidentsListed"/>.</summary>
    public required IReadOnlyList<EvidenceIncident> Incidents { get; init; }

    public int IncidentsNotListed { get; init; }

    /// <summary>The worst target grade; null when no target was graded.</summary>
    public ReportGrade? Grade => Targets.Select(t => t.Grade).OfType<ReportGrade>().Select(g => (ReportGrade?)g).Max();
}
