using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>A target as a report needs it: its probe, its settings and the thresholds it is graded against (see <see cref="TargetDayReport.LatencyThresholdMs"/>).</summary>
internal sealed record ReportTarget
{
    public required string ProbeId { get; init; }

    public required TargetSettings Settings { get; init; }

    public required double LatencyThresholdMs { get; init; }

    public required double LossThresholdPercent { get; init; }
}

/// <summary>
/// One target's day from its rounds and incidents: pure, so every figure is checked against a brute-force
/// reference without storage. RTT statistics come from <see cref="SampleStatistics"/>, the same maths as the
/// rollups; this class adds what only a whole day has: downtime, uptime, hours, the chart series, grade,
/// trend and advice.
/// </summary>
internal static class ReportCalculator
{
    /// <summary>Incidents listed per target and day; a flapping target's hundreds are counted, not listed.</summary>
    public const int MaxIncidentsListed = 50;

    /// <summary>The chart series' step: 288 points on a 24-hour day.</summary>
    public const int SeriesStepSeconds = 300;

    /// <param name="samples">The target's rounds in time order; rounds outside the day are ignored.</param>
    /// <param name="incidents">The target's incidents (any order); those not overlapping the day are ignored.</param>
    /// <param name="previousDay">The day before's figures, when it was reported.</param>
    /// <param name="week">The reported days' figures among the seven before.</param>
    public static TargetDayReport Build(
        ReportTarget target,
        ReportDay day,
        IReadOnlyList<Sample> samples,
        IEnumerable<Incident> incidents,
        TrendFigures? previousDay,
        IReadOnlyCollection<TrendFigures> week)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(incidents);

        var rounds = samples.Where(s => day.Contains(s.Time)).ToArray();
        var values = rounds.Select(s => s.Value).ToArray();
        var statistics = SampleStatistics.Of(values);
        var overlapping = incidents.Where(i => Overlaps(i, day)).OrderBy(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var down = DownIntervals(overlapping.Where(i => !i.IsMaintenance), day);

        // Planned downtime (incidents under maintenance, of any kind) is shown apart and judged not at all: its rounds
        // leave the uptime, the loss and the latency the grade is taken from.
        var planned = MaintenanceIntervals(overlapping, day);
        var judged = planned.Count == 0 ? rounds : [.. rounds.Where(r => !Inside(planned, r.Time))];
        var judgedStatistics = planned.Count == 0 ? statistics : SampleStatistics.Of([.. judged.Select(s => s.Value)]);
        var (upChecks, upFailures) = CountOutside(judged, down);
        var checks = judgedStatistics.Count;
        double? uptime = checks == 0 ? null : 100.0 * upChecks / checks;
        double? lossWhileUp = upChecks == 0 ? null : 100.0 * upFailures / upChecks;
        var (grade, reason) = ReportGrading.Grade(
            checks, upChecks, judgedStatistics.P50Ms, judgedStatistics.P95Ms, lossWhileUp, target.LatencyThresholdMs, target.LossThresholdPercent);

        var report = new TargetDayReport
        {
            ProbeId = target.ProbeId,
            Settings = target.Settings,
            LatencyThresholdMs = target.LatencyThresholdMs,
            LossThresholdPercent = target.LossThresholdPercent,
            Statistics = statistics,
            UptimePercent = uptime,
            LossWhileUpPercent = lossWhileUp,
            IncidentCount = overlapping.Count,
            PlannedIncidentCount = overlapping.Count(i => i.IsMaintenance),
            PlannedDowntimeSeconds = planned.Sum(d => (d.End - d.Start).TotalSeconds),
            DowntimeSeconds = down.Sum(d => (d.End - d.Start).TotalSeconds),
            LongestDowntimeSeconds = down.Count == 0 ? 0 : down.Max(d => (d.End - d.Start).TotalSeconds),
            Grade = grade,
            GradeReason = reason,
            Trend = ReportTrend.None,
            Hours = Hours(rounds, day),
            Series = Series(values, rounds, day),
            Incidents = [.. overlapping.Take(MaxIncidentsListed).Select(i => ToReportIncident(i, day))],
            IncidentsNotListed = Math.Max(0, overlapping.Count - MaxIncidentsListed),
        };

        report = report with { Trend = ReportTrends.Compare(ReportTrends.FiguresOf(report), previousDay, week) };
        return report with { Recommendations = ReportAdvice.For(report, day.Zone) };
    }

    /// <summary>Whether the incident covers some of the day: it starts before the day ends and ends after it begins (or is open).</summary>
    public static bool Overlaps(Incident incident, ReportDay day)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Start < day.To && (incident.End is not { } end || end > day.From || (end == incident.Start && day.Contains(end)));
    }

    /// <summary>The down incidents clipped to the day, sorted and merged where they overlap (open ones last to the day's end).</summary>
    public static List<(DateTimeOffset Start, DateTimeOffset End)> DownIntervals(IEnumerable<Incident> incidents, ReportDay day) =>
        Merged(incidents.Where(i => i.Type == IncidentType.Down), day);

    /// <summary>The incidents under maintenance, of any kind, clipped to the day and merged: planned downtime.</summary>
    public static List<(DateTimeOffset Start, DateTimeOffset End)> MaintenanceIntervals(IEnumerable<Incident> incidents, ReportDay day) =>
        Merged(incidents.Where(i => i.IsMaintenance), day);

    private static bool Inside(List<(DateTimeOffset Start, DateTimeOffset End)> intervals, DateTimeOffset time) =>
        intervals.Exists(i => time >= i.Start && time < i.End);

    private static List<(DateTimeOffset Start, DateTimeOffset End)> Merged(IEnumerable<Incident> incidents, ReportDay day)
    {
        var clipped = incidents
            .Select(i => (Start: Max(i.Start, day.From), End: Min(i.End ?? day.To, day.To)))
            .Where(i => i.End > i.Start)
            .OrderBy(i => i.Start)
            .ToList();
        var merged = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var interval in clipped)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Max(merged[^1].End, interval.End));
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    /// <summary>Rounds, and failed rounds, outside the down intervals: one walk over both, as both are in time order.</summary>
    private static (int Checks, int Failures) CountOutside(Sample[] rounds, List<(DateTimeOffset Start, DateTimeOffset End)> down)
    {
        int checks = 0, failures = 0, d = 0;
        foreach (var round in rounds)
        {
            while (d < down.Count && down[d].End <= round.Time)
            {
                d++;
            }

            if (d < down.Count && round.Time >= down[d].Start)
            {
                continue;
            }

            checks++;
            failures += round.IsSuccess ? 0 : 1;
        }

        return (checks, failures);
    }

    private static List<HourFigures> Hours(Sample[] rounds, ReportDay day)
    {
        var hours = new List<HourFigures>();
        foreach (var (start, bucket) in Buckets(rounds, day, TimeSpan.FromHours(1)))
        {
            hours.Add(new HourFigures { LocalStart = TimeZoneInfo.ConvertTime(start, day.Zone), Statistics = SampleStatistics.Of(bucket) });
        }

        return hours;
    }

    private static LatencySeries Series(int[] values, Sample[] rounds, ReportDay day)
    {
        var p50 = new List<double?>();
        var p95 = new List<double?>();
        var loss = new List<double?>();
        var offset = 0;
        foreach (var (_, bucket) in Buckets(rounds, day, TimeSpan.FromSeconds(SeriesStepSeconds)))
        {
            var statistics = SampleStatistics.Of(values.AsSpan(offset, bucket.Count));
            offset += bucket.Count;
            p50.Add(statistics.P50Ms);
            p95.Add(statistics.P95Ms);
            loss.Add(statistics.LossPercent);
        }

        return new LatencySeries { Start = day.From, StepSeconds = SeriesStepSeconds, P50Ms = p50, P95Ms = p95, LossPercent = loss };
    }

    /// <summary>
    /// The day cut into steps of elapsed time from local midnight (the last one shorter if the day is not a
    /// whole number of steps), each with its rounds as a contiguous slice of <paramref name="rounds"/>.
    /// </summary>
    private static IEnumerable<(DateTimeOffset Start, ArraySegment<Sample> Rounds)> Buckets(Sample[] rounds, ReportDay day, TimeSpan step)
    {
        var index = 0;
        for (var start = day.From; start < day.To; start += step)
        {
            var end = Min(start + step, day.To);
            var first = index;
            while (index < rounds.Length && rounds[index].Time < end)
            {
                index++;
            }

            yield return (start, new ArraySegment<Sample>(rounds, first, index - first));
        }
    }

    private static ReportIncident ToReportIncident(Incident incident, ReportDay day) => new()
    {
        Id = incident.Id,
        ProbeId = incident.ProbeId,
        Type = incident.Type,
        Start = incident.Start,
        End = incident.End,
        SecondsInDay = Math.Max(0, (Min(incident.End ?? day.To, day.To) - Max(incident.Start, day.From)).TotalSeconds),
        PeakValue = incident.PeakValue,
        Threshold = incident.Threshold,
        GroupedUnderIncidentId = incident.GroupedUnderIncidentId,
        MaintenanceWindowId = incident.MaintenanceWindowId,
    };

    internal static ReportIncident ToProbeIncident(Incident incident, ReportDay day) => ToReportIncident(incident, day);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
