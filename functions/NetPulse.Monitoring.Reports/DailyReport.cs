using System.Text.Json.Serialization;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// One local calendar day's report of every target that had rounds or incidents that day, as stored in the
/// reports table and served by the HTTP API. Plain data: serialises with System.Text.Json as it is (enums
/// as names, durations as seconds, no NaN).
/// </summary>
public sealed record DailyReport
{
    /// <summary>The day in <see cref="TimeZone"/>.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>The IANA zone the day was cut in.</summary>
    public required string TimeZone { get; init; }

    /// <summary>Local midnight of <see cref="Date"/>, in UTC.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The next local midnight, in UTC (exclusive): 23, 24 or 25 hours after <see cref="From"/>.</summary>
    public required DateTimeOffset To { get; init; }

    public required GradeCounts Grades { get; init; }

    /// <summary>True once the day's email was accepted for delivery; a rebuild keeps it.</summary>
    public bool Emailed { get; init; }

    public DateTimeOffset? EmailedAt { get; init; }

    /// <summary>Ordered worst grade first, then by probe and name.</summary>
    public required IReadOnlyList<TargetDayReport> Targets { get; init; }

    /// <summary>Probe-silent incidents overlapping the day (times when no target's rounds arrived), oldest first, at most <see cref="ReportCalculator.MaxIncidentsListed"/>.</summary>
    public IReadOnlyList<ReportIncident> ProbeIncidents { get; init; } = [];

    /// <summary>Probe-silent incidents overlapping the day beyond those listed.</summary>
    public int ProbeIncidentsNotListed { get; init; }

    /// <summary>Alert notices raised that day that a channel ended undelivered (past the retry horizon) or refused.</summary>
    public int UndeliveredAlerts { get; init; }

    /// <summary>Alert notices raised that day still being retried on some channel when the report was built.</summary>
    public int PendingAlerts { get; init; }
}

/// <summary>One line of the list of reported days.</summary>
public sealed record DailyReportSummary
{
    public required DateOnly Date { get; init; }

    public required string TimeZone { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public int TargetCount { get; init; }

    public required GradeCounts Grades { get; init; }

    /// <summary>Incidents of all targets and probes overlapping the day.</summary>
    public int IncidentCount { get; init; }

    public bool Emailed { get; init; }

    public DateTimeOffset? EmailedAt { get; init; }
}

/// <summary>How many targets got each grade; <see cref="Ungraded"/> had incidents but no rounds that day.</summary>
public sealed record GradeCounts(int A, int B, int C, int D, int F, int Ungraded)
{
    public static GradeCounts Of(IEnumerable<ReportGrade?> grades)
    {
        ArgumentNullException.ThrowIfNull(grades);
        int a = 0, b = 0, c = 0, d = 0, f = 0, none = 0;
        foreach (var grade in grades)
        {
            switch (grade)
            {
                case ReportGrade.A: a++; break;
                case ReportGrade.B: b++; break;
                case ReportGrade.C: c++; break;
                case ReportGrade.D: d++; break;
                case ReportGrade.F: f++; break;
                default: none++; break;
            }
        }

        return new GradeCounts(a, b, c, d, f, none);
    }
}

/// <summary>A day's grade, best first. The rule is in <see cref="ReportGrading"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReportGrade>))]
public enum ReportGrade
{
    A,
    B,
    C,
    D,
    F,
}

/// <summary>The day against the average of the days before it (see <see cref="ReportTrends"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrendDirection>))]
public enum TrendDirection
{
    /// <summary>No earlier day to compare with.</summary>
    Unknown,
    Better,
    Steady,
    Worse,
}

/// <summary>One target's day: its settings as they were, the day's statistics, and what only a whole day has.</summary>
public sealed record TargetDayReport
{
    public required string ProbeId { get; init; }

    /// <summary>The target's name (<see cref="TargetSettings.Name"/>). Text from config: escape it.</summary>
    public string TargetName => Settings.Name;

    /// <summary>The target's settings when the report was built. Name, host, category and description are text from config: escape them.</summary>
    public required TargetSettings Settings { get; init; }

    /// <summary>
    /// The latency threshold graded against: the target's own (<see cref="TargetSettings.LatencyThresholdMs"/>), else the
    /// detection default. Kept beside the settings rather than derived from them because the default is configuration
    /// of the day the report was built: a stored report keeps the threshold it was graded against.
    /// </summary>
    public double LatencyThresholdMs { get; init; }

    /// <summary>The loss threshold graded against: the target's own, else the detection default (kept for the same reason).</summary>
    public double LossThresholdPercent { get; init; }

    /// <summary>
    /// The day's rounds: count, replies, loss (down incidents included; null without rounds) and RTT figures in
    /// milliseconds over the replies (null without any).
    /// </summary>
    public required SampleStatistics Statistics { get; init; }

    /// <summary>Rounds outside down incidents in percent of all rounds outside planned downtime; null without such rounds.</summary>
    public double? UptimePercent { get; init; }

    /// <summary>Failed rounds outside down incidents in percent of the rounds outside them: loss while the target was up.</summary>
    public double? LossWhileUpPercent { get; init; }

    /// <summary>Incidents of any type overlapping the day.</summary>
    public int IncidentCount { get; init; }

    /// <summary>Time inside unplanned down incidents, clipped to the day (overlaps counted once).</summary>
    public double DowntimeSeconds { get; init; }

    /// <summary>Of <see cref="IncidentCount"/>, those under maintenance.</summary>
    public int PlannedIncidentCount { get; init; }

    /// <summary>Time inside incidents under maintenance (planned downtime), clipped to the day: left out of uptime, loss, latency and grade.</summary>
    public double PlannedDowntimeSeconds { get; init; }

    /// <summary>The longest stretch of downtime within the day.</summary>
    public double LongestDowntimeSeconds { get; init; }

    /// <summary>Null when the target had no rounds that day.</summary>
    public ReportGrade? Grade { get; init; }

    /// <summary>Which figure set the grade, in words: "uptime 99.62 % (B)".</summary>
    public string GradeReason { get; init; } = "";

    public required ReportTrend Trend { get; init; }

    /// <summary>Short plain-language findings, most important first.</summary>
    public IReadOnlyList<string> Recommendations { get; init; } = [];

    /// <summary>The day's elapsed hours from local midnight: 23, 24 or 25 of them.</summary>
    public IReadOnlyList<HourFigures> Hours { get; init; } = [];

    public required LatencySeries Series { get; init; }

    /// <summary>The day's incidents, oldest first, at most <see cref="ReportCalculator.MaxIncidentsListed"/>.</summary>
    public IReadOnlyList<ReportIncident> Incidents { get; init; } = [];

    /// <summary>Incidents overlapping the day beyond those listed.</summary>
    public int IncidentsNotListed { get; init; }
}

/// <summary>One elapsed hour of the local day.</summary>
public sealed record HourFigures
{
    /// <summary>The hour's start in local time with its offset: on a 25-hour day 02:00 appears twice, with two offsets.</summary>
    public required DateTimeOffset LocalStart { get; init; }

    public required SampleStatistics Statistics { get; init; }
}

/// <summary>
/// The day's latency in fixed steps from <see cref="Start"/>, as columns (the shape chart libraries take):
/// element i covers [Start + i·StepSeconds, Start + (i+1)·StepSeconds). Null where no round (or no reply) fell.
/// </summary>
public sealed record LatencySeries
{
    public required DateTimeOffset Start { get; init; }

    public required int StepSeconds { get; init; }

    public required IReadOnlyList<double?> P50Ms { get; init; }

    public required IReadOnlyList<double?> P95Ms { get; init; }

    public required IReadOnlyList<double?> LossPercent { get; init; }
}

/// <summary>An incident as a report shows it: its real times, and the part of it inside the day.</summary>
public sealed record ReportIncident
{
    public required string Id { get; init; }

    public required string ProbeId { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<IncidentType>))]
    public required IncidentType Type { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>Null while it was still open when the report was built.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>How long of it fell inside the day.</summary>
    public double SecondsInDay { get; init; }

    public double? PeakValue { get; init; }

    public double? Threshold { get; init; }

    /// <summary>Set when it happened while the probe's uplink was down.</summary>
    public string? GroupedUnderIncidentId { get; init; }

    /// <summary>Set when it began in a maintenance window (or was marked afterwards): planned.</summary>
    public string? MaintenanceWindowId { get; init; }
}

/// <summary>Key figures of earlier days, to compare with.</summary>
public sealed record ReportTrend
{
    public static readonly ReportTrend None = new();

    /// <summary>The day before, when it has a report for this target.</summary>
    public TrendFigures? PreviousDay { get; init; }

    /// <summary>The average over the (up to seven) days before with a report for this target.</summary>
    public TrendFigures? WeekAverage { get; init; }

    /// <summary>How many of the seven days before went into <see cref="WeekAverage"/>.</summary>
    public int WeekDays { get; init; }

    public TrendDirection Direction { get; init; }
}

/// <summary>
/// The few figures a day is compared on. Not a <see cref="SampleStatistics"/>: a week's average of medians is no
/// statistic of any rounds, and this small record is stored on its own (the reports table's Figures column) for
/// later days to read.
/// </summary>
public sealed record TrendFigures
{
    public double? UptimePercent { get; init; }

    public double? P50Ms { get; init; }

    public double? P95Ms { get; init; }

    public double? LossPercent { get; init; }
}
