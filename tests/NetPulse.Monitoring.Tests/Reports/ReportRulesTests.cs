using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>The grade, trend and advice rules, case by case, on made-up days.</summary>
public sealed class ReportRulesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData(1000, 1000, ReportGrade.A)]
    [InlineData(999, 1000, ReportGrade.A)]   // 99.9 %: exactly at the limit
    [InlineData(998, 1000, ReportGrade.B)]
    [InlineData(995, 1000, ReportGrade.B)]
    [InlineData(994, 1000, ReportGrade.C)]
    [InlineData(990, 1000, ReportGrade.C)]
    [InlineData(989, 1000, ReportGrade.D)]
    [InlineData(970, 1000, ReportGrade.D)]
    [InlineData(969, 1000, ReportGrade.F)]
    [InlineData(86_314, 86_400, ReportGrade.A)] // 86 s down of a day
    [InlineData(86_313, 86_400, ReportGrade.B)]
    public void Uptime_grades(int up, int checks, ReportGrade expected) =>
        Assert.Equal(expected, ReportGrading.UptimeGrade(up, checks));

    [Theory]
    [InlineData(10, 100, ReportGrade.A)]
    [InlineData(90, 100, ReportGrade.A)]
    [InlineData(90, 101, ReportGrade.B)]   // p95 just above the threshold
    [InlineData(100, 200, ReportGrade.B)]
    [InlineData(100, 201, ReportGrade.C)]
    [InlineData(101, 300, ReportGrade.D)]  // the median above the threshold
    [InlineData(200, 300, ReportGrade.D)]
    [InlineData(201, 300, ReportGrade.F)]
    public void Latency_grades_against_a_100_ms_threshold(double p50, double p95, ReportGrade expected) =>
        Assert.Equal(expected, ReportGrading.LatencyGrade(p50, p95, 100));

    [Theory]
    [InlineData(0, ReportGrade.A)]
    [InlineData(0.5, ReportGrade.A)]
    [InlineData(0.51, ReportGrade.B)]
    [InlineData(1.25, ReportGrade.B)]
    [InlineData(2.5, ReportGrade.C)]
    [InlineData(5, ReportGrade.D)]
    [InlineData(5.01, ReportGrade.F)]
    public void Loss_grades_against_a_5_percent_threshold(double loss, ReportGrade expected) =>
        Assert.Equal(expected, ReportGrading.LossGrade(loss, 5));

    [Fact]
    public void The_day_gets_the_worst_grade_and_the_reason_names_the_figure()
    {
        var (grade, reason) = ReportGrading.Grade(1000, 996, p50Ms: 10, p95Ms: 12, lossWhileUpPercent: 3, latencyThresholdMs: 100, lossThresholdPercent: 5);

        Assert.Equal(ReportGrade.D, grade);
        Assert.Equal("loss while up 3.00 % against 5 % (D)", reason);
        Assert.Equal((ReportGrade.A, "every figure within its A limit"), ReportGrading.Grade(10, 10, 10, 12, 0, 100, 5));
        Assert.Equal((null, "no rounds stored"), ReportGrading.Grade(0, 0, null, null, null, 100, 5));
    }

    [Fact]
    public void Trend_direction_against_the_week_average()
    {
        var average = new TrendFigures { UptimePercent = 99.95, P50Ms = 10, LossPercent = 0.2 };

        Assert.Equal(TrendDirection.Steady, ReportTrends.Direction(average, average));
        Assert.Equal(TrendDirection.Worse, ReportTrends.Direction(average with { UptimePercent = 99.85 }, average));
        Assert.Equal(TrendDirection.Worse, ReportTrends.Direction(average with { P50Ms = 12 }, average));
        Assert.Equal(TrendDirection.Steady, ReportTrends.Direction(average with { P50Ms = 11.9 }, average));
        Assert.Equal(TrendDirection.Worse, ReportTrends.Direction(average with { LossPercent = 0.7 }, average));
        Assert.Equal(TrendDirection.Better, ReportTrends.Direction(average with { P50Ms = 8 }, average));
        Assert.Equal(TrendDirection.Worse, ReportTrends.Direction(average with { P50Ms = 8, LossPercent = 1 }, average));
        Assert.Equal(TrendDirection.Unknown, ReportTrends.Direction(new TrendFigures(), average));
        Assert.Equal(TrendDirection.Unknown, ReportTrends.Compare(average, null, []).Direction);

        // A 1 ms target's 0.5 ms rise is 50 % but no news.
        var fast = new TrendFigures { UptimePercent = 100, P50Ms = 1, LossPercent = 0 };
        Assert.Equal(TrendDirection.Steady, ReportTrends.Direction(fast with { P50Ms = 1.5 }, fast));
    }

    [Fact]
    public void A_good_day_needs_no_action()
    {
        Assert.Equal(["No action needed."], ReportAdvice.For(Day(), Berlin));
    }

    [Fact]
    public void Evening_peaks_are_named_with_their_local_hours()
    {
        var day = Day(hourMedian: h => h is >= 19 and < 23 ? 48 : 12);

        var finding = Assert.Single(ReportAdvice.For(day, Berlin));

        Assert.Equal(
            "Evening latency peaks 19:00–23:00 (median 48 ms against 12 ms for the day): likely congestion upstream at busy hours; worth raising with your ISP.",
            finding);
    }

    [Fact]
    public void A_peak_until_midnight_ends_at_24_00_and_a_morning_peak_is_not_called_evening()
    {
        Assert.StartsWith("Evening latency peaks 21:00–24:00", ReportAdvice.For(Day(hourMedian: h => h >= 21 ? 40 : 12), Berlin)[0], StringComparison.Ordinal);
        Assert.StartsWith("Latency peaks 09:00–12:00 (median 30 ms", ReportAdvice.For(Day(hourMedian: h => h is >= 9 and < 12 ? 30 : 12), Berlin)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_slow_hour_or_a_small_rise_is_no_peak()
    {
        Assert.Equal(["No action needed."], ReportAdvice.For(Day(hourMedian: h => h == 20 ? 60 : 12), Berlin));
        Assert.Equal(["No action needed."], ReportAdvice.For(Day(hourMedian: h => h >= 18 ? 3 : 1, median: 1), Berlin));
    }

    [Fact]
    public void Loss_without_downtime_points_at_the_link()
    {
        var day = With(Day(), s => s with { Successes = 1404 }) with { LossWhileUpPercent = 2.5, Grade = ReportGrade.C };

        Assert.Equal(["Loss without downtime (2.5 % of rounds): check the link: cable, Wi-Fi signal, duplex settings."], ReportAdvice.For(day, Berlin));
    }

    [Fact]
    public void Repeated_outages_are_counted_and_the_longest_is_placed()
    {
        var start = new DateTimeOffset(2026, 1, 15, 13, 5, 0, TimeSpan.Zero);
        var day = Day() with
        {
            DowntimeSeconds = 25 * 60,
            LongestDowntimeSeconds = 12 * 60,
            Grade = ReportGrade.C,
            Incidents =
            [
                Incident(IncidentType.Down, start.AddHours(-5), 300),
                Incident(IncidentType.Down, start, 720),
                Incident(IncidentType.Down, start.AddHours(3), 480),
            ],
        };

        var finding = Assert.Single(ReportAdvice.For(day, Berlin));

        Assert.Equal("3 outages, 25 min 00 s in all (longest 12 min 00 s from 14:05): repeated drops point at the line or the modem; note the times for your ISP.", finding);
    }

    [Fact]
    public void Downtime_behind_a_down_uplink_blames_the_uplink()
    {
        var start = new DateTimeOffset(2026, 1, 15, 13, 5, 0, TimeSpan.Zero);
        var day = Day() with
        {
            DowntimeSeconds = 600,
            LongestDowntimeSeconds = 600,
            Incidents = [Incident(IncidentType.Down, start, 600) with { GroupedUnderIncidentId = "uplink-1" }],
        };

        Assert.StartsWith("Down for 10 min 00 s, all of it while the probe's uplink was down", ReportAdvice.For(day, Berlin)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Slow_paths_spikes_and_jitter_each_get_their_word()
    {
        Assert.StartsWith("Median latency 180 ms is above the 150 ms threshold", ReportAdvice.For(With(Day(median: 180), s => s with { P95Ms = 200 }), Berlin)[0], StringComparison.Ordinal);
        Assert.StartsWith("1 ping in 20 took longer than 150 ms (95th percentile 320 ms)", ReportAdvice.For(With(Day(), s => s with { P95Ms = 320 }), Berlin)[0], StringComparison.Ordinal);
        Assert.StartsWith("High jitter (14 ms against a median of 12 ms)", ReportAdvice.For(With(Day(), s => s with { JitterMs = 14 }), Berlin)[0], StringComparison.Ordinal);
        Assert.Equal(["No action needed."], ReportAdvice.For(With(Day(median: 40), s => s with { JitterMs = 12 }), Berlin));
    }

    [Fact]
    public void At_most_four_findings_most_important_first()
    {
        var start = new DateTimeOffset(2026, 1, 15, 13, 5, 0, TimeSpan.Zero);
        var day = With(Day(hourMedian: h => h >= 19 ? 400 : 160, median: 180), s => s with { P95Ms = 420, JitterMs = 100 }) with
        {
            DowntimeSeconds = 60,
            LongestDowntimeSeconds = 60,
            LossWhileUpPercent = 3,
            Incidents = [Incident(IncidentType.Down, start, 60)],
        };

        var findings = ReportAdvice.For(day, Berlin);

        Assert.Equal(ReportAdvice.MaxFindings, findings.Count);
        Assert.StartsWith("Down for 1 min 00 s", findings[0], StringComparison.Ordinal);
        Assert.StartsWith("Loss besides the downtime", findings[1], StringComparison.Ordinal);
        Assert.StartsWith("Evening latency peaks 19:00–24:00", findings[2], StringComparison.Ordinal);
        Assert.StartsWith("Median latency 180 ms", findings[3], StringComparison.Ordinal);
    }

    /// <summary>A healthy January day in Berlin at 1 round a minute: every figure comfortably A.</summary>
    private static TargetDayReport Day(Func<int, double>? hourMedian = null, double median = 12)
    {
        var from = new DateTimeOffset(2026, 1, 14, 23, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, 24).Select(h => new HourFigures
        {
            LocalStart = TimeZoneInfo.ConvertTime(from.AddHours(h), Berlin),
            Statistics = new SampleStatistics { Count = 60, Successes = 60, P50Ms = hourMedian?.Invoke(h) ?? median },
        }).ToList();
        return new TargetDayReport
        {
            ProbeId = "home-1",
            Settings = new TargetSettings { Name = "dns", Host = "9.9.9.9", IntervalMs = 60_000 },
            LatencyThresholdMs = 150,
            LossThresholdPercent = 5,
            Statistics = new SampleStatistics
            {
                Count = 1440,
                Successes = 1440,
                MinMs = median - 2,
                AvgMs = median,
                MaxMs = median + 20,
                P50Ms = median,
                P95Ms = median + 4,
                P99Ms = median + 10,
                JitterMs = 1,
            },
            UptimePercent = 100,
            LossWhileUpPercent = 0,
            Grade = ReportGrade.A,
            Trend = ReportTrend.None,
            Hours = hours,
            Series = new LatencySeries { Start = from, StepSeconds = 300, P50Ms = [], P95Ms = [], LossPercent = [] },
        };
    }

    private static TargetDayReport With(TargetDayReport day, Func<SampleStatistics, SampleStatistics> change) =>
        day with { Statistics = change(day.Statistics) };

    private static ReportIncident Incident(IncidentType type, DateTimeOffset start, int seconds) => new()
    {
        Id = $"{type}-{start.UtcTicks}",
        ProbeId = "home-1",
        Type = type,
        Start = start,
        End = start.AddSeconds(seconds),
        SecondsInDay = seconds,
    };
}
