using System.Globalization;
using System.Text.Json;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using static NetPulse.Monitoring.Tests.Api.ApiScenario;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class SeriesApiTests(ApiRig rig)
{
    private static readonly string GatewayId = ApiRig.Id(Home, Gateway);

    [Fact]
    public async Task Half_an_hour_is_every_round_as_its_own_point()
    {
        var from = Now.AddMinutes(-30);
        var series = await SeriesAsync(GatewayId, from, Now);

        Assert.Equal("raw", series.GetProperty("resolution").GetString());
        Assert.Equal(1, series.GetProperty("stepSeconds").GetInt32());
        Assert.Equal("2026-03-01T02:00:20Z", series.GetProperty("from").GetString());
        Assert.Equal("2026-03-01T02:30:20Z", series.GetProperty("to").GetString());
        Assert.Equal(GatewayId, series.GetProperty("target").GetProperty("id").GetString());

        var expected = Rounds(Home, Gateway, from, Now).ToList();
        var points = Points(series);
        Assert.Equal(expected.Count, points.Count);
        Assert.Equal(expected.Select(r => r.Time), points.Select(p => p.T));
        Assert.All(points.Zip(expected), pair =>
        {
            var (point, round) = pair;
            Assert.Equal(1, point.Count);
            if (round.Value >= 0)
            {
                Assert.Equal((round.Value / 1000.0, round.Value / 1000.0, round.Value / 1000.0, 0.0), (point.Min!.Value, point.P50!.Value, point.Max!.Value, point.Loss));
            }
            else
            {
                Assert.Equal((null, null, null, 100.0), (point.Min, point.P50, point.Max, point.Loss));
            }
        });

        // The last two minutes are not compacted yet: they come from the batches, seamlessly.
        Assert.Equal(LiveEnd.AddSeconds(-1), points[^1].T);
    }

    [Fact]
    public async Task Without_a_range_the_last_hour_comes_in_two_second_steps()
    {
        var series = (await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None))).Json;

        Assert.Equal("raw", series.GetProperty("resolution").GetString());
        Assert.Equal(2, series.GetProperty("stepSeconds").GetInt32());
        Assert.Equal("2026-03-01T01:30:20Z", series.GetProperty("from").GetString());
        var points = Points(series);
        Assert.Equal(1790, points.Count);
        var expected = Rounds(Home, Gateway, Now.AddHours(-1), Now).GroupBy(r => r.Time.ToUnixTimeSeconds() / 2).ToList();
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value))), points.Select(p => (p.Min, p.P50, p.Max, p.Loss, p.Count)));
    }

    [Fact]
    public async Task A_day_comes_from_minute_rollups_one_point_per_minute_across_midnight_and_the_month()
    {
        var series = await SeriesAsync(GatewayId, Now.AddDays(-1), Now);

        Assert.Equal("minute", series.GetProperty("resolution").GetString());
        Assert.Equal(60, series.GetProperty("stepSeconds").GetInt32());
        var points = Points(series);
        Assert.Equal(180, points.Count);
        Assert.Equal(LiveStart, points[0].T);
        Assert.Equal(LiveEnd.AddMinutes(-1), points[^1].T);
        var expected = Rounds(Home, Gateway, LiveStart, Now).GroupBy(r => r.Time.ToUnixTimeSeconds() / 60).ToList();
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value))), points.Select(p => (p.Min, p.P50, p.Max, p.Loss, p.Count)));
    }

    [Fact]
    public async Task A_week_merges_minute_rollups_into_ten_minute_points()
    {
        var series = await SeriesAsync(GatewayId, Now.AddDays(-7), Now);

        Assert.Equal("minute", series.GetProperty("resolution").GetString());
        Assert.Equal(600, series.GetProperty("stepSeconds").GetInt32());
        var points = Points(series);
        Assert.Equal(18, points.Count);
        var expected = Rounds(Home, Gateway, LiveStart, Now).GroupBy(r => r.Time.ToUnixTimeSeconds() / 600).ToList();
        Assert.Equal(expected.Select(g => g.Count()), points.Select(p => p.Count));
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value)).Min), points.Select(p => p.Min));
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value)).Max), points.Select(p => p.Max));
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value)).Loss), points.Select(p => p.Loss));

        // The merged median is a median of minute medians: one of them, and between min and max.
        Assert.All(points, p => Assert.InRange(p.P50!.Value, p.Min!.Value, p.Max!.Value));
    }

    [Fact]
    public async Task Thirty_days_come_from_hour_rollups_the_history_included()
    {
        var series = await SeriesAsync(GatewayId, Now.AddDays(-30), Now);

        Assert.Equal("hour", series.GetProperty("resolution").GetString());
        Assert.Equal(3600, series.GetProperty("stepSeconds").GetInt32());
        var points = Points(series);
        Assert.Equal(
            [HistoryStart, HistoryStart.AddHours(1), new(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 1, 1, 0, 0, TimeSpan.Zero), new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero)],
            points.Select(p => p.T));
        Assert.Equal([3600, 3600, 1800, 3600, 3600, 1800], points.Select(p => p.Count));
        var expected = Rounds(Home, Gateway, Now.AddDays(-30), Now).GroupBy(r => r.Time.ToUnixTimeSeconds() / 3600).ToList();
        Assert.Equal(expected.Select(g => Stats(g.Select(r => r.Value))), points.Select(p => (p.Min, p.P50, p.Max, p.Loss, p.Count)));
    }

    [Fact]
    public async Task Ninety_days_merge_hours_into_two_hour_points()
    {
        var series = await SeriesAsync(GatewayId, Now.AddDays(-90), Now);

        Assert.Equal("hour", series.GetProperty("resolution").GetString());
        Assert.Equal(7200, series.GetProperty("stepSeconds").GetInt32());
        Assert.Equal([7200, 1800, 7200, 1800], Points(series).Select(p => p.Count));
    }

    [Fact]
    public async Task The_hostile_target_is_charted_by_its_id()
    {
        var series = await SeriesAsync(ApiRig.Id(Home, Hostile), Now.AddMinutes(-5), Now);

        Assert.Equal(Hostile, series.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal(280, Points(series).Count);
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-03-01T00:00:00", "from")]
    [InlineData("?from=2026-03-01", "from")]
    [InlineData("?from=2026-03-01T00:00:00 01:00", "from")]
    [InlineData("?to=2026-02-30T00:00:00Z", "to")]
    [InlineData("?to=1", "to")]
    [InlineData("?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    [InlineData("?from=2026-03-01T02:00:00Z&to=2026-03-01T01:00:00Z", "from")]
    [InlineData("?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    [InlineData("?from=2026-03-01T00:00:00Z&from=2026-03-01T01:00:00Z", "from")]
    public async Task A_bad_range_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var answer = await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None), query);

        answer.AssertProblem(400, parameter);
    }

    [Fact]
    public async Task The_range_cap_and_the_offset_hint_are_spelled_out()
    {
        var tooLong = await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None), "?from=2025-01-01T00:00:00Z");
        Assert.Contains("at most 400 days", tooLong.AssertProblem(400, "from"), StringComparison.Ordinal);

        var plus = await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None), "?from=2026-03-01T00:00:00+01:00");
        Assert.Contains("%2B", plus.AssertProblem(400, "from"), StringComparison.Ordinal);

        var offset = await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None), "?from=2026-03-01T01:00:00%2B01:00&to=2026-03-01T00:30:00Z");
        Assert.Equal(200, offset.Status);
        Assert.Equal("2026-03-01T00:00:00Z", offset.Json.GetProperty("from").GetString());
    }

    [Fact]
    public async Task A_malformed_or_unknown_id_is_a_400_or_404()
    {
        (await Answer.Of(r => rig.Targets.SeriesAsync(r, "nope", CancellationToken.None))).AssertProblem(400, "id");
        (await Answer.Of(r => rig.Targets.SeriesAsync(r, ApiRig.Id(Home, "router"), CancellationToken.None))).AssertProblem(404, "id");
    }

    private async Task<JsonElement> SeriesAsync(string id, DateTimeOffset from, DateTimeOffset to)
    {
        var query = $"?from={Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}";
        var answer = await Answer.Of(r => rig.Targets.SeriesAsync(r, id, CancellationToken.None), query);
        Assert.Equal(200, answer.Status);
        return answer.Json;
    }

    private static List<Point> Points(JsonElement series) =>
        [.. series.GetProperty("points").EnumerateArray().Select(p => new Point(
            DateTimeOffset.Parse(p.GetProperty("t").GetString()!, CultureInfo.InvariantCulture),
            Number(p.GetProperty("minMs")),
            Number(p.GetProperty("p50Ms")),
            Number(p.GetProperty("maxMs")),
            p.GetProperty("lossPercent").GetDouble(),
            p.GetProperty("count").GetInt32()))];

    private static double? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetDouble();

    /// <summary>What a point over these rounds must say: exact figures, nearest-rank median.</summary>
    private static (double? Min, double? P50, double? Max, double Loss, int Count) Stats(IEnumerable<int> values)
    {
        var all = values.ToList();
        var replies = all.Where(v => v >= 0).Order().ToList();
        var loss = Math.Round(100.0 * (all.Count - replies.Count) / all.Count, 3);
        return replies.Count == 0
            ? (null, null, null, loss, all.Count)
            : (replies[0] / 1000.0, SampleStatistics.NearestRank(replies, 50) / 1000.0, replies[^1] / 1000.0, loss, all.Count);
    }

    private sealed record Point(DateTimeOffset T, double? Min, double? P50, double? Max, double Loss, int Count);
}
