using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>The heatmap's grid over clock changes and the range figures' pooling, without storage.</summary>
public sealed class EvidenceViewMathTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void The_spring_forward_day_has_23_cells_and_names_the_skipped_hour()
    {
        var date = new DateOnly(2026, 3, 29);
        var days = HeatmapCells.Of([], Berlin, date, date, DateTimeOffset.MaxValue, 60_000, HeatmapMetric.Loss);

        var day = Assert.Single(days);
        Assert.Equal("2026-03-29", day.Date);
        Assert.Equal([2], day.SkippedHours);
        Assert.Equal([0, 1, .. Enumerable.Range(3, 21)], day.Hours.Select(c => c.Hour));
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), day.Hours[0].Start);
        Assert.Equal((60, 120), (day.Hours[1].OffsetMinutes, day.Hours[2].OffsetMinutes));
        Assert.All(day.Hours, c => Assert.Equal((null, 0, 0.0), (c.Value, c.Rounds, c.CoveragePercent)));
    }

    [Fact]
    public void The_fall_back_day_has_25_cells_with_the_repeated_hour_twice_summer_first()
    {
        var date = new DateOnly(2026, 10, 25);
        var firstTwo = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        var hours = new[]
        {
            Hour(firstTwo, new SampleStatistics { Count = 60, Successes = 30, P95Ms = 12.5 }),
            Hour(firstTwo.AddHours(1), new SampleStatistics { Count = 60, Successes = 60, P95Ms = 40 }),
        };

        var day = Assert.Single(HeatmapCells.Of(hours, Berlin, date, date, DateTimeOffset.MaxValue, 60_000, HeatmapMetric.Loss));

        Assert.Empty(day.SkippedHours);
        Assert.Equal(25, day.Hours.Count);
        var twos = day.Hours.Where(c => c.Hour == 2).ToList();
        Assert.Equal([(firstTwo, 120, 50.0, 60, 100.0), (firstTwo.AddHours(1), 60, 0.0, 60, 100.0)],
            twos.Select(c => (c.Start, c.OffsetMinutes, c.Value!.Value, c.Rounds, c.CoveragePercent)));

        var p95 = Assert.Single(HeatmapCells.Of(hours, Berlin, date, date, DateTimeOffset.MaxValue, 60_000, HeatmapMetric.P95));
        Assert.Equal([12.5, 40.0], p95.Hours.Where(c => c.Hour == 2).Select(c => c.Value!.Value));
    }

    [Fact]
    public void No_rounds_is_null_and_a_lossless_hour_is_zero()
    {
        var date = new DateOnly(2026, 6, 1);
        var start = new DateTimeOffset(2026, 5, 31, 22, 0, 0, TimeSpan.Zero);
        var day = Assert.Single(HeatmapCells.Of(
            [Hour(start, new SampleStatistics { Count = 30, Successes = 30, P95Ms = 9 })], Berlin, date, date, DateTimeOffset.MaxValue, 60_000, HeatmapMetric.Loss));

        Assert.Equal((0.0, 30, 50.0), (day.Hours[0].Value, day.Hours[0].Rounds, day.Hours[0].CoveragePercent));
        Assert.Null(day.Hours[1].Value);
    }

    [Fact]
    public void Hours_not_begun_yet_are_left_out()
    {
        var date = new DateOnly(2026, 6, 1);
        var now = new DateTimeOffset(2026, 6, 1, 3, 30, 0, TimeSpan.Zero);

        var day = Assert.Single(HeatmapCells.Of([], Berlin, date, date, now, 60_000, HeatmapMetric.Loss));

        Assert.Equal([0, 1, 2, 3, 4, 5], day.Hours.Select(c => c.Hour));
    }

    [Fact]
    public void A_half_hour_zone_has_24_cells_beginning_at_half_past()
    {
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var date = new DateOnly(2026, 6, 1);

        var day = Assert.Single(HeatmapCells.Of([], kolkata, date, date, DateTimeOffset.MaxValue, 60_000, HeatmapMetric.Loss));

        Assert.Equal(Enumerable.Range(0, 24), day.Hours.Select(c => c.Hour));
        Assert.Equal(new DateTimeOffset(2026, 5, 31, 19, 0, 0, TimeSpan.Zero), day.Hours[0].Start);
        Assert.All(day.Hours, c => Assert.Equal(330, c.OffsetMinutes));
    }

    [Fact]
    public void One_hour_gives_its_own_figures_and_mos()
    {
        var stats = SampleStatistics.Of([10_000, 12_000, -1, 11_000, 20_000]);

        var quality = RangeQuality.Of([stats], expectedRounds: 10);

        Assert.Equal((5L, 4L, 20.0, 13.25, 20.0, 4.0, 50.0), (quality.Rounds, quality.Replies, quality.LossPercent, quality.AvgMs, quality.P95Ms, quality.JitterMs, quality.CoveragePercent));
        Assert.Equal(Math.Round(MeanOpinionScore.Estimate(13.25, 4.0, 20)!.Value, 3), quality.Mos);
    }

    [Fact]
    public void Jitter_pools_the_hours_by_their_pairs_and_alike_hours_keep_their_p95()
    {
        var a = SampleStatistics.Of([10_000, 14_000, 10_000]);
        var b = SampleStatistics.Of([10_000, 11_000]);

        var quality = RangeQuality.Of([a, b, a], expectedRounds: 8);

        // Pairs: 2 + 1 + 2, differences 8 + 1 + 8 ms.
        Assert.Equal(Math.Round(17.0 / 5, 3), quality.JitterMs);
        Assert.Equal(100.0, quality.CoveragePercent);
        Assert.Equal(14.0, RangeQuality.Of([a, a, a], 9).P95Ms);
    }

    [Fact]
    public void No_rounds_leaves_every_figure_null()
    {
        var quality = RangeQuality.Of([SampleStatistics.None], expectedRounds: 60);

        Assert.Equal((0L, (double?)null, (double?)null, (double?)null, (double?)null, 0.0), (quality.Rounds, quality.LossPercent, quality.P95Ms, quality.JitterMs, quality.Mos, quality.CoveragePercent));
    }

    [Fact]
    public void The_pooled_p95_lies_in_the_slow_hours_when_they_are_the_top_five_percent()
    {
        // 90 % of replies around 10 ms, 10 % around 100 ms: the pool's 95 % point is in the slow hour's body.
        var fast = SampleStatistics.Of([.. Enumerable.Range(0, 900).Select(i => 9_000 + (i * 2))]);
        var slow = SampleStatistics.Of([.. Enumerable.Range(0, 100).Select(i => 95_000 + (i * 100))]);

        var p95 = RangeQuality.Percentile([fast, slow], 95)!.Value;

        var exact = Enumerable.Range(0, 900).Select(i => 9_000 + (i * 2)).Concat(Enumerable.Range(0, 100).Select(i => 95_000 + (i * 100))).Order().ToList();
        var reference = exact[(int)Math.Ceiling(0.95 * exact.Count) - 1] / 1000.0;
        Assert.InRange(p95, reference * 0.97, reference * 1.03);
    }

    [Fact]
    public void Ranking_puts_the_worst_first_and_replyless_targets_after_those_with_a_figure()
    {
        RankedTarget T(string id, double? loss, double? p95) => new(id, "p", id, new QualityFigures(10, 5, loss, 10, p95, 1, 4, 100));
        var targets = new[] { T("a", 1, 10), T("b", 100, null), T("c", 5, 30), T("d", 5, 20) };

        Assert.Equal(["b", "c", "d", "a"], RankingHandler.Rank(targets, "loss").Select(t => t.Id));
        Assert.Equal(["c", "d", "a", "b"], RankingHandler.Rank(targets, "p95").Select(t => t.Id));
    }

    private static Rollup Hour(DateTimeOffset start, SampleStatistics statistics) =>
        new() { ProbeId = "p", TargetName = "t", Start = start, Length = TimeSpan.FromHours(1), Statistics = statistics };
}
