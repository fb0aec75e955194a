using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>Every figure and every heatmap cell of generated periods against <see cref="EvidenceReference"/>, across both of Berlin's 2026 clock changes.</summary>
public sealed class EvidenceCalculatorTests
{
    private const double Tolerance = 1e-9;

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static TheoryData<string, int, int> Periods() => new()
    {
        // The week of 2026-03-29 (spring forward: 167 hours), of 2026-10-25 (fall back: 169 hours), an ordinary one, and a month.
        { "2026-W13", 2, 1 },
        { "2026-W13", 7, 2 },
        { "2026-W43", 3, 3 },
        { "2026-W43", 10, 4 },
        { "2026-W20", 5, 5 },
        { "2026-10", 30, 6 },
    };

    [Theory]
    [MemberData(nameof(Periods))]
    public void Every_figure_matches_the_brute_force_reference(string periodId, int intervalSeconds, int seed)
    {
        var period = EvidencePeriod.TryParse(periodId, Berlin)!;
        var generated = GeneratedTarget.Make("isp-edge", "isp", uplink: false, period, intervalSeconds, seed);
        var expected = EvidenceReference.Of(generated, period);

        var actual = EvidenceCalculator.Target(generated.Target, period, generated.Samples, generated.Incidents);

        var s = actual.Statistics;
        Assert.Equal(expected.Sent, s.Count);
        Assert.Equal(expected.Received, s.Successes);
        Close(expected.LossPercent, s.LossPercent);
        Close(expected.P50Ms, s.P50Ms);
        Close(expected.P95Ms, s.P95Ms);
        Close(expected.P99Ms, s.P99Ms);
        Close(expected.MaxMs, s.MaxMs);
        Close(expected.AvgMs, s.AvgMs);
        Close(expected.JitterMs, s.JitterMs);
        Close(expected.Mos, actual.MeanOpinionScore);
        Close(expected.CoveragePercent, actual.CoveragePercent);
        Assert.Equal(expected.Grade, actual.Grade);

        Assert.NotNull(expected.LongestBurst);
        Assert.Equal(expected.LongestBurst.Value.Start, actual.LongestLossBurst!.Start);
        Assert.Equal(expected.LongestBurst.Value.Seconds, actual.LongestLossBurst.Duration.TotalSeconds);
        Assert.Equal(expected.LongestBurst.Value.Rounds, actual.LongestLossBurst.Rounds);
        Assert.NotEmpty(expected.Outages);
        Assert.Equal(
            expected.Outages.Select(o => (o.Start, o.Seconds, o.Rounds)),
            actual.Outages.Select(o => (o.Start, o.Duration.TotalSeconds, o.Rounds)));

        Assert.Equal(period.Dates.Count() * 24, actual.Heatmap.Count);
        Assert.Equal(expected.Heatmap.Keys.Order(), actual.Heatmap.Select(c => (c.Date, c.Hour)).Order());
        foreach (var cell in actual.Heatmap)
        {
            var want = expected.Heatmap[(cell.Date, cell.Hour)];
            Assert.True(want.Rounds == cell.Rounds, $"{cell.Date} {cell.Hour:00}h: {cell.Rounds} rounds, expected {want.Rounds}");
            Assert.Equal(want.Replies, cell.Replies);
            Close(want.LossPercent, cell.LossPercent);
            Close(want.P95Ms, cell.P95Ms);
            Assert.Equal(want.Exists, cell.HourExists);
        }

        // The generator leaves hours without data: "no data" must be there, and never read as 0 % loss.
        Assert.Contains(actual.Heatmap, c => c.HourExists && !c.HasData && c.LossPercent is null);
    }

    [Fact]
    public void The_skipped_hour_has_no_cell_data_and_the_repeated_hour_holds_both()
    {
        var spring = EvidencePeriod.TryParse("2026-W13", Berlin)!;
        var autumn = EvidencePeriod.TryParse("2026-W43", Berlin)!;
        Assert.Equal(TimeSpan.FromHours(167), spring.Length);
        Assert.Equal(TimeSpan.FromHours(169), autumn.Length);

        var springTarget = EvidenceCalculator.Target(Steady(spring), spring, Every(spring, 60), []);
        var skipped = Assert.Single(springTarget.Heatmap, c => c.Date == new DateOnly(2026, 3, 29) && c.Hour == 2);
        Assert.False(skipped.HourExists);
        Assert.False(skipped.HasData);
        Assert.Equal(60, springTarget.Heatmap.Single(c => c.Date == new DateOnly(2026, 3, 29) && c.Hour == 3).Rounds);
        Assert.Equal(167 * 60, springTarget.Statistics.Count);
        Assert.Equal(100, springTarget.CoveragePercent);

        var autumnTarget = EvidenceCalculator.Target(Steady(autumn), autumn, Every(autumn, 60), []);
        var repeated = autumnTarget.Heatmap.Single(c => c.Date == new DateOnly(2026, 10, 25) && c.Hour == 2);
        Assert.True(repeated.HourExists);
        Assert.Equal(120, repeated.Rounds);
        Assert.Equal(169 * 60, autumnTarget.Statistics.Count);
        Assert.Equal(100, autumnTarget.CoveragePercent);
    }

    [Fact]
    public void A_burst_of_failures_is_an_outage_from_30_seconds_and_a_gap_in_the_data_ends_it()
    {
        var period = EvidencePeriod.TryParse("2026-W20", Berlin)!;
        var t0 = period.From.AddHours(5);
        var samples = new List<Sample> { new(t0, 10_000) };
        samples.AddRange(Enumerable.Range(1, 29).Select(i => new Sample(t0.AddSeconds(i), -1)));  // 29 s: not an outage
        samples.Add(new Sample(t0.AddSeconds(30), 10_000));
        samples.AddRange(Enumerable.Range(31, 30).Select(i => new Sample(t0.AddSeconds(i), -1))); // 30 s: an outage
        samples.Add(new Sample(t0.AddSeconds(61), 10_000));
        samples.AddRange(Enumerable.Range(62, 20).Select(i => new Sample(t0.AddSeconds(i), -1)));
        samples.AddRange(Enumerable.Range(200, 20).Select(i => new Sample(t0.AddSeconds(i), -1))); // after a gap: a run of its own

        var target = EvidenceCalculator.Target(Steady(period, intervalMs: 1000), period, samples, []);

        var outage = Assert.Single(target.Outages);
        Assert.Equal(t0.AddSeconds(31), outage.Start);
        Assert.Equal(TimeSpan.FromSeconds(30), outage.Duration);
        Assert.Equal(30, outage.Rounds);
        Assert.Equal(outage, target.LongestLossBurst);
    }

    [Theory]
    [InlineData(20, 2, 0, 4.39223183)]
    [InlineData(150, 20, 2, 4.03153754)]
    [InlineData(400, 50, 30, 1.0)]
    public void The_mean_opinion_score_follows_the_documented_E_model(double avgMs, double jitterMs, double lossPercent, double mos) =>
        Assert.Equal(mos, MeanOpinionScore.Estimate(avgMs, jitterMs, lossPercent)!.Value, 6);

    [Fact]
    public void Targets_take_their_control_role_from_category_and_uplink_flag()
    {
        static ControlRole Role(string? category, bool uplink = false) =>
            EvidenceCalculator.RoleOf(new Contracts.TargetSettings { Name = "t", Host = "h", Category = category, Uplink = uplink, IntervalMs = 1000 });

        Assert.Equal(ControlRole.Gateway, Role("lan"));
        Assert.Equal(ControlRole.Gateway, Role(null, uplink: true));
        Assert.Equal(ControlRole.IspEdge, Role("isp", uplink: true));
        Assert.Equal(ControlRole.IspEdge, Role("ISP-edge"));
        Assert.Equal(ControlRole.Internet, Role("internet"));
        Assert.Equal(ControlRole.Other, Role("local"));
    }

    [Fact]
    public void The_pack_lists_the_probes_incidents_in_the_period_oldest_first()
    {
        var period = EvidencePeriod.TryParse("2026-W13", Berlin)!;
        Incident Make(string id, string probe, DateTimeOffset start, DateTimeOffset? end) => new()
        {
            Id = id,
            ProbeId = probe,
            TargetName = "gw",
            Type = IncidentType.Down,
            Start = start,
            End = end,
        };

        var pack = EvidenceCalculator.Pack("home", "office", period, period.To, [], [
            Make("b", "home", period.From.AddHours(3), period.From.AddHours(4)),
            Make("a", "home", period.From.AddHours(-3), period.From.AddMinutes(1)),
            Make("before", "home", period.From.AddHours(-3), period.From.AddHours(-2)),
            Make("other", "elsewhere", period.From.AddHours(3), null),
            Make("open", "home", period.To.AddHours(-1), null),
        ]);

        Assert.Equal(["a", "b", "open"], pack.Incidents.Select(i => i.Id));
    }

    [Theory]
    [InlineData("2026-W13", "2026-03-23", "2026-03-29")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")]
    [InlineData("2026-02", "2026-02-01", "2026-02-28")]
    public void A_period_id_names_its_local_dates(string id, string first, string last)
    {
        var period = EvidencePeriod.TryParse(id, Berlin)!;
        Assert.Equal(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), period.FirstDate);
        Assert.Equal(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), period.LastDate);
        Assert.Equal(id, period.Id);
    }

    [Theory]
    [InlineData("2026-W54")]
    [InlineData("2026-13")]
    [InlineData("week")]
    [InlineData("")]
    public void A_period_id_that_names_nothing_is_refused(string id) => Assert.Null(EvidencePeriod.TryParse(id, Berlin));

    private static Monitoring.Reports.ReportTarget Steady(EvidencePeriod period, int intervalMs = 60_000) => new()
    {
        ProbeId = "home",
        Settings = new Contracts.TargetSettings { Name = "gw", Host = "192.0.2.1", IntervalMs = intervalMs },
        LatencyThresholdMs = 100,
        LossThresholdPercent = 2,
    };

    private static List<Sample> Every(EvidencePeriod period, int seconds)
    {
        var samples = new List<Sample>();
        for (var t = period.From; t < period.To; t = t.AddSeconds(seconds))
        {
            samples.Add(new Sample(t, 12_000));
        }

        return samples;
    }

    private static void Close(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.True(Math.Abs(e - actual!.Value) <= Tolerance * Math.Max(1, Math.Abs(e)), $"expected {e}, got {actual}");
        }
    }
}
