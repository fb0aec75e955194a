using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// Every figure of a target's day against a brute-force reference written the slow, obvious way: second by
/// second for downtime, sample against every incident for uptime, a full sort and a count for each percentile.
/// </summary>
public sealed class ReportMathsTests
{
    private const double LatencyThresholdMs = 40;
    private const double LossThresholdPercent = 5;

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static TheoryData<string, string, int, int> Days => new()
    {
        // zone, local date, seconds between rounds, seed
        { "Europe/Berlin", "2026-03-29", 1, 1 },   // 23 hours
        { "Europe/Berlin", "2026-10-25", 1, 2 },   // 25 hours
        { "Europe/Berlin", "2026-03-29", 7, 3 },
        { "Europe/Berlin", "2026-10-25", 13, 4 },
        { "Europe/Berlin", "2026-06-15", 5, 5 },
        { "UTC", "2026-03-29", 10, 6 },
        { "Asia/Kolkata", "2026-01-10", 3, 7 },    // local midnight at hh:30 UTC
        { "America/Santiago", "2026-09-06", 9, 8 }, // midnight does not exist
    };

    [Theory]
    [MemberData(nameof(Days))]
    public void Every_figure_matches_the_brute_force_reference(string zoneId, string date, int intervalSeconds, int seed)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var day = ReportDay.Of(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), zone);
        var generated = GeneratedDay.Make(day.From, day.To, intervalSeconds, seed);

        var report = ReportCalculator.Build(Target(), day, generated.Samples, generated.Incidents, previousDay: null, week: []);

        // ---- the reference
        var rounds = generated.Samples.Where(s => s.Time >= day.From && s.Time < day.To).ToList();
        var downs = generated.Incidents.Where(i => i.Type == IncidentType.Down).ToList();
        bool IsDown(DateTimeOffset t) => downs.Any(i => t >= i.Start && (i.End is null || t < i.End));

        var downSeconds = new List<bool>();
        for (var t = day.From; t < day.To; t = t.AddSeconds(1))
        {
            downSeconds.Add(IsDown(t));
        }

        int longest = 0, run = 0;
        foreach (var down in downSeconds)
        {
            run = down ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var up = rounds.Where(s => !IsDown(s.Time)).ToList();
        var replies = rounds.Where(s => s.Value >= 0).Select(s => s.Value).ToList();
        var overlapping = generated.Incidents.Count(i => i.Start < day.To && (i.End is null || i.End > day.From));

        // ---- the comparison
        Assert.Equal(rounds.Count, report.Statistics.Count);
        Assert.Equal(replies.Count, report.Statistics.Successes);
        Assert.Equal(100.0 * up.Count / rounds.Count, report.UptimePercent!.Value, 9);
        Assert.Equal(100.0 * (rounds.Count - replies.Count) / rounds.Count, report.Statistics.LossPercent!.Value, 9);
        Assert.Equal(100.0 * up.Count(s => s.Value < 0) / up.Count, report.LossWhileUpPercent!.Value, 9);
        Assert.Equal(replies.Min() / 1000.0, report.Statistics.MinMs);
        Assert.Equal(replies.Max() / 1000.0, report.Statistics.MaxMs);
        Assert.Equal(replies.Average() / 1000.0, report.Statistics.AvgMs!.Value, 9);
        Assert.Equal(Percentile(replies, 50), report.Statistics.P50Ms);
        Assert.Equal(Percentile(replies, 95), report.Statistics.P95Ms);
        Assert.Equal(Percentile(replies, 99), report.Statistics.P99Ms);
        Assert.Equal(Jitter(replies), report.Statistics.JitterMs!.Value, 9);
        Assert.Equal(downSeconds.Count(d => d), report.DowntimeSeconds);
        Assert.Equal(longest, report.LongestDowntimeSeconds);
        Assert.Equal(overlapping, report.IncidentCount);
        Assert.Equal(Math.Min(overlapping, ReportCalculator.MaxIncidentsListed), report.Incidents.Count);
        Assert.Equal(ReferenceGrade(report), report.Grade);

        // Hours: elapsed hours from local midnight, 23 or 25 on the days clocks change.
        var hours = (int)Math.Ceiling(day.Length.TotalHours);
        Assert.Equal(hours, report.Hours.Count);
        for (var h = 0; h < hours; h++)
        {
            var bucket = rounds.Where(s => (int)((s.Time - day.From).Ticks / TimeSpan.TicksPerHour) == h).ToList();
            var hour = report.Hours[h];
            Assert.Equal(TimeZoneInfo.ConvertTime(day.From.AddHours(h), zone), hour.LocalStart);
            Assert.Equal(hour.LocalStart.Offset, zone.GetUtcOffset(hour.LocalStart));
            Assert.Equal(bucket.Count, hour.Statistics.Count);
            Assert.Equal(Percentile(bucket.Where(s => s.Value >= 0).Select(s => s.Value).ToList(), 50), hour.Statistics.P50Ms);
        }

        // The chart series: five-minute steps over the whole day.
        var steps = (int)Math.Ceiling(day.Length.TotalSeconds / ReportCalculator.SeriesStepSeconds);
        Assert.Equal(steps, report.Series.P50Ms.Count);
        Assert.Equal(day.From, report.Series.Start);
        for (var i = 0; i < steps; i++)
        {
            var bucket = rounds.Where(s => (int)((s.Time - day.From).TotalSeconds / ReportCalculator.SeriesStepSeconds) == i).ToList();
            var bucketReplies = bucket.Where(s => s.Value >= 0).Select(s => s.Value).ToList();
            Assert.Equal(Percentile(bucketReplies, 50), report.Series.P50Ms[i]);
            Assert.Equal(Percentile(bucketReplies, 95), report.Series.P95Ms[i]);
            Assert.Equal(bucket.Count == 0 ? null : 100.0 * (bucket.Count - bucketReplies.Count) / bucket.Count, report.Series.LossPercent[i]);
        }
    }

    [Fact]
    public void Incidents_are_clipped_to_the_day_and_open_ones_last_until_its_end()
    {
        var day = ReportDay.Of(new DateOnly(2026, 10, 25), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var incidents = new List<Incident>
        {
            Down("before", day.From.AddHours(-2), day.From.AddMinutes(30)),
            Down("open", day.To.AddHours(-1), null),
            Down("after", day.To, day.To.AddHours(1)),
            Down("ended-at-midnight", day.From.AddHours(-1), day.From),
        };
        var samples = Enumerable.Range(0, 90_000 / 60).Select(i => new Sample(day.From.AddMinutes(i), 10_000)).ToList();

        var report = ReportCalculator.Build(Target(), day, samples, incidents, null, []);

        Assert.Equal(2, report.IncidentCount);
        Assert.Equal((30 + 60) * 60, report.DowntimeSeconds);
        Assert.Equal(60 * 60, report.LongestDowntimeSeconds);
        Assert.Equal([1800.0, 3600.0], report.Incidents.Select(i => i.SecondsInDay));
        Assert.Equal(100.0 * (1500 - 90) / 1500, report.UptimePercent!.Value, 9);
    }

    [Fact]
    public void A_day_without_rounds_has_no_grade_and_says_why()
    {
        var day = ReportDay.Of(new DateOnly(2026, 5, 1), TimeZoneInfo.Utc);

        var report = ReportCalculator.Build(Target(), day, [], [Down("all-day", day.From.AddHours(-1), null)], null, []);

        Assert.Null(report.Grade);
        Assert.Equal(0, report.Statistics.Count);
        Assert.Null(report.Statistics.LossPercent);
        Assert.Null(report.UptimePercent);
        Assert.Equal(24 * 3600, report.DowntimeSeconds);
        Assert.Contains("No rounds were stored", Assert.Single(report.Recommendations), StringComparison.Ordinal);
        Assert.All(report.Series.P50Ms, Assert.Null);
    }

    [Fact]
    public void The_trend_compares_with_the_day_before_and_the_week_average()
    {
        var day = ReportDay.Of(new DateOnly(2026, 5, 1), TimeZoneInfo.Utc);
        var samples = Enumerable.Range(0, 1440).Select(i => new Sample(day.From.AddMinutes(i), 30_000)).ToList();
        var previous = new TrendFigures { UptimePercent = 100, P50Ms = 10, P95Ms = 12, LossPercent = 0 };
        TrendFigures[] week = [previous, new() { UptimePercent = 100, P50Ms = 14, P95Ms = 20, LossPercent = 1 }];

        var report = ReportCalculator.Build(Target(), day, samples, [], previous, week);

        Assert.Same(previous, report.Trend.PreviousDay);
        Assert.Equal(2, report.Trend.WeekDays);
        Assert.Equal(12, report.Trend.WeekAverage!.P50Ms);
        Assert.Equal(0.5, report.Trend.WeekAverage.LossPercent);
        Assert.Equal(TrendDirection.Worse, report.Trend.Direction);
        Assert.Contains(report.Recommendations, r => r.StartsWith("Worse than the average of the 2 days before: median 30 ms against 12 ms", StringComparison.Ordinal));
    }

    [Fact]
    public void A_worst_case_target_day_fits_one_binary_table_property()
    {
        // 25 hours at a round a second, loss in every step, 200 incidents with the longest ids, names at their limits.
        var day = ReportDay.Of(new DateOnly(2026, 10, 25), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var probe = new string('p', 64);
        var samples = Enumerable.Range(0, 90_000).Select(i => new Sample(day.From.AddSeconds(i), i % 7 == 0 ? -1 : 10_000 + (i * 7919 % 90_000))).ToList();
        var incidents = Enumerable.Range(0, 200).Select(i => new Incident
        {
            Id = IncidentIds.Create(probe, "t", (IncidentType)(i % 3), day.From.AddMinutes(7 * i)),
            ProbeId = probe,
            TargetName = "t",
            Type = (IncidentType)(i % 3),
            Start = day.From.AddMinutes(7 * i).AddTicks(1234567),
            End = day.From.AddMinutes(7 * i + 3).AddTicks(7654321),
            PeakValue = 1 / 3.0,
            Threshold = 2 / 3.0,
            GroupedUnderIncidentId = IncidentIds.Create(probe, "uplink", IncidentType.Down, day.From),
        }).ToList();
        var target = new ReportTarget
        {
            ProbeId = probe,
            Settings = new TargetSettings
            {
                Name = new string('n', TargetSettings.MaxNameLength),
                Host = new string('h', TargetSettings.MaxHostLength),
                Category = new string('c', TargetSettings.MaxCategoryLength),
                Description = new string('d', TargetSettings.MaxDescriptionLength),
                IntervalMs = TargetSettings.MinIntervalMs,
                LatencyThresholdMs = TargetSettings.MaxLatencyThresholdMs,
                LossThresholdPercent = 1 / 7.0,
            },
            LatencyThresholdMs = 1 / 3.0,
            LossThresholdPercent = 1 / 7.0,
        };
        var week = new TrendFigures { UptimePercent = 1 / 3.0, P50Ms = 1 / 7.0, P95Ms = 1 / 11.0, LossPercent = 1 / 13.0 };

        var report = ReportCalculator.Build(target, day, samples, incidents, week, [week, week]);
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(report, Web);

        // A binary property holds 64 KiB; keep a margin for what the report may grow.
        Assert.InRange(bytes.Length, 10_000, 48 * 1024);
    }

    /// <summary>Nearest rank, counted: the smallest RTT with at least p % of the replies at or below it.</summary>
    private static double? Percentile(List<int> values, int percent)
    {
        var atOrBelow = 0L;
        foreach (var (value, count) in values.CountBy(v => v).OrderBy(c => c.Key))
        {
            atOrBelow += count;
            if (atOrBelow * 100 >= (long)percent * values.Count)
            {
                return value / 1000.0;
            }
        }

        return null;
    }

    private static double Jitter(List<int> replies)
    {
        double sum = 0;
        for (var i = 1; i < replies.Count; i++)
        {
            sum += Math.Abs(replies[i] - replies[i - 1]);
        }

        return sum / (replies.Count - 1) / 1000.0;
    }

    /// <summary>The documented rule, written out again from the words.</summary>
    private static ReportGrade ReferenceGrade(TargetDayReport r)
    {
        var uptime = r.UptimePercent!.Value switch
        {
            >= 99.9 => ReportGrade.A,
            >= 99.5 => ReportGrade.B,
            >= 99 => ReportGrade.C,
            >= 97 => ReportGrade.D,
            _ => ReportGrade.F,
        };
        double p50 = r.Statistics.P50Ms!.Value, p95 = r.Statistics.P95Ms!.Value, t = r.LatencyThresholdMs;
        var latency = p95 <= t ? ReportGrade.A
            : p50 <= t && p95 <= 2 * t ? ReportGrade.B
            : p50 <= t ? ReportGrade.C
            : p50 <= 2 * t ? ReportGrade.D
            : ReportGrade.F;
        double loss = r.LossWhileUpPercent!.Value, l = r.LossThresholdPercent;
        var lossGrade = loss <= l / 10 ? ReportGrade.A : loss <= l / 4 ? ReportGrade.B : loss <= l / 2 ? ReportGrade.C : loss <= l ? ReportGrade.D : ReportGrade.F;
        return new[] { uptime, latency, lossGrade }.Max();
    }

    private static ReportTarget Target() => new()
    {
        ProbeId = "probe-1",
        Settings = new TargetSettings { Name = "target", Host = "10.200.0.1", IntervalMs = 1000 },
        LatencyThresholdMs = LatencyThresholdMs,
        LossThresholdPercent = LossThresholdPercent,
    };

    private static Incident Down(string id, DateTimeOffset start, DateTimeOffset? end) => new()
    {
        Id = id,
        ProbeId = "probe-1",
        TargetName = "target",
        Type = IncidentType.Down,
        Start = start,
        End = end,
    };
}
