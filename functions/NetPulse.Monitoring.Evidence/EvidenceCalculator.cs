using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// A probe's week or month from its raw rounds and incidents: pure, so every figure is checked against a
/// brute-force reference without storage. Figures come from raw samples (one per round, RTT in µs), never from
/// rollups, so percentiles are exact nearest-rank values over the whole period.
/// </summary>
internal static class EvidenceCalculator
{
    /// <summary>A loss burst this long or longer is an outage (ISPs commonly ask for outages of 30 s and more).</summary>
    public static readonly TimeSpan OutageThreshold = TimeSpan.FromSeconds(30);

    /// <summary>Incidents listed per pack; a flapping month's thousands are counted, not listed.</summary>
    public const int MaxIncidentsListed = 500;

    /// <summary>A gap longer than this many intervals between two stored rounds ends a loss burst.</summary>
    public const double BurstGapIntervals = 1.5;

    public static EvidencePack Pack(
        string probeId,
        string? site,
        EvidencePeriod period,
        DateTimeOffset generatedAt,
        IEnumerable<TargetEvidence> targets,
        IEnumerable<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(incidents);
        var sorted = targets
            .OrderBy(t => Rank(t.Grade))
            .ThenBy(t => t.TargetName, StringComparer.Ordinal)
            .ToList();
        var log = incidents
            .Where(i => i.ProbeId == probeId && Overlaps(i, period))
            .OrderBy(i => i.Start)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
        return new EvidencePack
        {
            ProbeId = probeId,
            Site = site,
            Period = period,
            GeneratedAt = generatedAt,
            Grades = GradeCounts.Of(sorted.Select(t => t.Grade)),
            Targets = sorted,
            Incidents = [.. log.Take(MaxIncidentsListed).Select(ToEvidenceIncident)],
            IncidentsNotListed = Math.Max(0, log.Count - MaxIncidentsListed),
        };
    }

    /// <param name="samples">The target's rounds in time order; rounds outside the period are ignored.</param>
    /// <param name="incidents">The target's incidents (any order); grading uses the down and maintenance ones overlapping the period.</param>
    public static TargetEvidence Target(ReportTarget target, EvidencePeriod period, IReadOnlyList<Sample> samples, IEnumerable<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(incidents);

        var rounds = samples.Where(s => period.Contains(s.Time)).ToArray();
        var statistics = SampleStatistics.Of([.. rounds.Select(s => s.Value)]);
        var interval = TimeSpan.FromMilliseconds(target.Settings.IntervalMs);
        var bursts = LossBursts(rounds, interval);
        var expected = (long)(period.Length.Ticks / interval.Ticks);

        // Graded as the daily report grades a day, over the whole period: down incidents make the uptime, planned
        // downtime (incidents under maintenance) is not judged.
        var overlapping = incidents.Where(i => Overlaps(i, period)).ToList();
        var down = Merged(overlapping.Where(i => i.Type == IncidentType.Down && !i.IsMaintenance), period);
        var planned = Merged(overlapping.Where(i => i.IsMaintenance), period);
        var judged = planned.Count == 0 ? rounds : [.. rounds.Where(r => !Inside(planned, r.Time))];
        var judgedStatistics = planned.Count == 0 ? statistics : SampleStatistics.Of([.. judged.Select(s => s.Value)]);
        var upChecks = judged.Count(r => !Inside(down, r.Time));
        var upFailures = judged.Count(r => !r.IsSuccess && !Inside(down, r.Time));
        double? lossWhileUp = upChecks == 0 ? null : 100.0 * upFailures / upChecks;
        var (grade, reason) = ReportGrading.Grade(
            judgedStatistics.Count, upChecks, judgedStatistics.P50Ms, judgedStatistics.P95Ms, lossWhileUp, target.LatencyThresholdMs, target.LossThresholdPercent);

        return new TargetEvidence
        {
            ProbeId = target.ProbeId,
            Settings = target.Settings,
            Role = RoleOf(target.Settings),
            LatencyThresholdMs = target.LatencyThresholdMs,
            LossThresholdPercent = target.LossThresholdPercent,
            Statistics = statistics,
            MeanOpinionScore = MeanOpinionScore.Estimate(statistics.AvgMs, statistics.JitterMs, statistics.LossPercent ?? 0),
            LongestLossBurst = bursts.Count == 0 ? null : bursts.MaxBy(b => b.Duration),
            Outages = [.. bursts.Where(b => b.Duration >= OutageThreshold)],
            ExpectedRounds = expected,
            CoveragePercent = expected == 0 ? 0 : Math.Min(100, 100.0 * rounds.Length / expected),
            UptimePercent = judgedStatistics.Count == 0 ? null : 100.0 * upChecks / judgedStatistics.Count,
            LossWhileUpPercent = lossWhileUp,
            Grade = grade,
            GradeReason = reason,
            Heatmap = Heatmap(rounds, period),
        };
    }

    /// <summary>Category "lan" or the uplink flag: gateway; "isp"/"isp-edge": ISP edge; "internet": internet.</summary>
    public static ControlRole RoleOf(Contracts.TargetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var category = settings.Category?.Trim().ToLowerInvariant();
        return category switch
        {
            "lan" => ControlRole.Gateway,
            "isp" or "isp-edge" => ControlRole.IspEdge,
            _ when settings.Uplink => ControlRole.Gateway,
            "internet" => ControlRole.Internet,
            _ => ControlRole.Other,
        };
    }

    /// <summary>Runs of failed rounds in time order (see <see cref="LossBurst"/>).</summary>
    internal static List<LossBurst> LossBursts(Sample[] rounds, TimeSpan interval)
    {
        var maxGap = TimeSpan.FromTicks((long)(interval.Ticks * BurstGapIntervals));
        var bursts = new List<LossBurst>();
        DateTimeOffset? start = null;
        DateTimeOffset last = default;
        var count = 0;
        foreach (var round in rounds)
        {
            if (start is not null && (round.IsSuccess || round.Time - last > maxGap))
            {
                bursts.Add(new LossBurst(start.Value, last + interval, count));
                start = null;
            }

            if (!round.IsSuccess)
            {
                start ??= round.Time;
                count = start == round.Time ? 1 : count + 1;
                last = round.Time;
            }
        }

        if (start is not null)
        {
            bursts.Add(new LossBurst(start.Value, last + interval, count));
        }

        return bursts;
    }

    /// <summary>
    /// Every local date × local hour of the period. The rounds are walked once in time order; the zone's offset is
    /// looked up once per UTC minute, since offsets change only on whole minutes.
    /// </summary>
    private static List<HeatmapCell> Heatmap(Sample[] rounds, EvidencePeriod period)
    {
        var dates = period.Dates.ToList();
        var values = new List<int>[dates.Count * 24];
        long minute = long.MinValue;
        var offset = TimeSpan.Zero;
        foreach (var round in rounds)
        {
            var thisMinute = round.Time.UtcTicks / TimeSpan.TicksPerMinute;
            if (thisMinute != minute)
            {
                minute = thisMinute;
                offset = period.Zone.GetUtcOffset(round.Time);
            }

            var local = round.Time.UtcDateTime + offset;
            var index = (DateOnly.FromDateTime(local).DayNumber - period.FirstDate.DayNumber) * 24 + local.Hour;
            (values[index] ??= []).Add(round.Value);
        }

        var cells = new List<HeatmapCell>(values.Length);
        for (var d = 0; d < dates.Count; d++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var statistics = values[d * 24 + hour] is { } bucket ? SampleStatistics.Of(bucket.ToArray()) : SampleStatistics.None;
                cells.Add(new HeatmapCell
                {
                    Date = dates[d],
                    Hour = hour,
                    HourExists = HourExists(dates[d], hour, period.Zone),
                    Rounds = statistics.Count,
                    Replies = statistics.Successes,
                    P95Ms = statistics.P95Ms,
                });
            }
        }

        return cells;
    }

    /// <summary>False for the local hour clocks skip: every minute of it is invalid in the zone.</summary>
    internal static bool HourExists(DateOnly date, int hour, TimeZoneInfo zone)
    {
        var start = date.ToDateTime(new TimeOnly(hour, 0));
        for (var minute = 0; minute < 60; minute += 15)
        {
            if (!zone.IsInvalidTime(start.AddMinutes(minute)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Overlaps(Incident incident, EvidencePeriod period) =>
        incident.Start < period.To && (incident.End is not { } end || end > period.From || (end == incident.Start && period.Contains(end)));

    private static bool Inside(List<(DateTimeOffset Start, DateTimeOffset End)> intervals, DateTimeOffset time) =>
        intervals.Exists(i => time >= i.Start && time < i.End);

    private static List<(DateTimeOffset Start, DateTimeOffset End)> Merged(IEnumerable<Incident> incidents, EvidencePeriod period)
    {
        var clipped = incidents
            .Select(i => (Start: i.Start > period.From ? i.Start : period.From, End: i.End is { } e && e < period.To ? e : period.To))
            .Where(i => i.End > i.Start)
            .OrderBy(i => i.Start)
            .ToList();
        var merged = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var interval in clipped)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, interval.End > merged[^1].End ? interval.End : merged[^1].End);
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    private static EvidenceIncident ToEvidenceIncident(Incident incident) => new()
    {
        Id = incident.Id,
        TargetName = incident.TargetName,
        Type = incident.Type,
        Start = incident.Start,
        End = incident.End,
        PeakValue = incident.PeakValue,
        Threshold = incident.Threshold,
        Planned = incident.IsMaintenance,
    };

    /// <summary>The daily report's order: F first, then ungraded, then D to A.</summary>
    private static int Rank(ReportGrade? grade) => grade switch
    {
        ReportGrade.F => 0,
        null => 1,
        ReportGrade.D => 2,
        ReportGrade.C => 3,
        ReportGrade.B => 4,
        ReportGrade.A => 5,
    };
}
