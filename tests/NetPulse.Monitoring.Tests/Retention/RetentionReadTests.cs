using System.Globalization;
using System.Text.Json;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Api;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Retention;

/// <summary>
/// Charts, export and report rebuilds across the retention edges, over two hours of 1 Hz rounds around the UTC
/// midnight that begins 2026-03-29 (Europe's change to summer time, the report zone is Europe/Berlin), ingested and
/// compacted as production does, then read 35 and 400 days later.
/// </summary>
public sealed class RetentionReadTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    /// <summary>The UTC day start that becomes the raw edge 35 days later and the minute edge 400 days later.</summary>
    private static readonly DateTimeOffset Edge = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

    private static readonly string GatewayId = TargetIds.Format("home-1", "gw");

    [Fact]
    public void A_plan_reads_the_coarser_source_before_each_edge()
    {
        var edges = new RetentionEdges(Edge, Edge.AddDays(-365), Edge.AddDays(-1800));
        var raw = new SeriesPlan(SeriesSource.Raw, 2);
        Assert.Equal(
            [new SeriesRead(SeriesSource.Minute, Edge.AddMinutes(-30), Edge.AddTicks(-1)), new SeriesRead(SeriesSource.Raw, Edge, Edge.AddMinutes(30))],
            raw.Reads(Edge.AddMinutes(-30), Edge.AddMinutes(30), edges));
        Assert.Equal([new SeriesRead(SeriesSource.Raw, Edge, Edge.AddMinutes(30))], raw.Reads(Edge, Edge.AddMinutes(30), edges));
        Assert.Equal([new SeriesRead(SeriesSource.Minute, Edge.AddHours(-2), Edge.AddHours(-1))], raw.Reads(Edge.AddHours(-2), Edge.AddHours(-1), edges));

        // Across both edges: hours, then minutes, then rounds.
        var across = raw.Reads(edges.MinuteFrom.AddHours(-1), Edge.AddHours(1), edges);
        Assert.Equal([SeriesSource.Hour, SeriesSource.Minute, SeriesSource.Raw], across.Select(r => r.Source));
        Assert.Equal([edges.MinuteFrom, Edge], across.Skip(1).Select(r => r.From));
        Assert.Equal(new SeriesPlan(SeriesSource.Hour, 3600).Reads(Edge.AddYears(-9), Edge, edges), [new SeriesRead(SeriesSource.Hour, Edge.AddYears(-9), Edge)]);
    }

    [Fact]
    public async Task A_chart_across_the_raw_edge_takes_minute_rollups_before_it_has_no_gap_and_stays_the_same_after_the_deletes()
    {
        using var rig = await IngestedAsync();
        rig.Time.SetUtcNow(Edge.AddDays(35).AddHours(10));

        var before = await SeriesAsync(rig, Edge.AddMinutes(-30), Edge.AddMinutes(30));
        Assert.Equal("raw", before.GetProperty("resolution").GetString());
        Assert.Equal(2, before.GetProperty("stepSeconds").GetInt32());
        var points = Points(before);
        var early = points.Where(p => p.T < Edge).ToList();
        Assert.Equal(Enumerable.Range(-30, 30).Select(m => Edge.AddMinutes(m)), early.Select(p => p.T));
        Assert.All(early, p => Assert.Equal(60, p.Count));
        Assert.Equal(Enumerable.Range(0, 901).Select(s => Edge.AddSeconds(2 * s)), points.Skip(30).Select(p => p.T));
        Assert.True(points.Zip(points.Skip(1)).All(pair => pair.Second.T - pair.First.T <= TimeSpan.FromMinutes(1)), "a gap in the chart");

        var run = await rig.Retention.RunAsync(CancellationToken.None);
        Assert.True(run.Finished);
        Assert.True(run.Batches > 300 && run.SampleHours == 1, $"{run.Batches} batches, {run.SampleHours} sample hours deleted");
        var keys = await rig.KeysAsync();
        Assert.DoesNotContain(keys["batches"], k => k.StartsWith("home-1|20260328", StringComparison.Ordinal));
        Assert.DoesNotContain(keys["samples"], k => k.StartsWith("home-1|20260328", StringComparison.Ordinal));
        Assert.Contains(keys["samples"], k => k.StartsWith("home-1|20260329", StringComparison.Ordinal));

        var after = await SeriesAsync(rig, Edge.AddMinutes(-30), Edge.AddMinutes(30));
        Assert.Equal(points, Points(after));
    }

    [Fact]
    public async Task A_chart_across_the_minute_edge_takes_the_hour_before_it_and_stays_the_same_after_the_minutes_are_dropped()
    {
        using var rig = await IngestedAsync();
        rig.Time.SetUtcNow(Edge.AddDays(400).AddHours(10));

        var before = Points(await SeriesAsync(rig, Edge.AddHours(-1), Edge.AddHours(1).AddSeconds(-1)));
        Assert.Equal([Edge.AddHours(-1), .. Enumerable.Range(0, 60).Select(m => Edge.AddMinutes(m))], before.Select(p => p.T));
        Assert.Equal([3600, .. Enumerable.Repeat(60, 60)], before.Select(p => p.Count));

        var run = await rig.Retention.RunAsync(CancellationToken.None);
        Assert.Equal((1L, 0L), (run.MinutesPruned, run.HourRollups));
        var keys = await rig.KeysAsync();
        Assert.Empty(keys["samples"]);

        // Compaction stopped at 01:08 that day (no later run here): the batches of its day wait for it.
        Assert.DoesNotContain(keys["batches"], k => k.StartsWith("home-1|20260328", StringComparison.Ordinal));
        Assert.All(keys["batches"], k => Assert.StartsWith("home-1|20260329", k, StringComparison.Ordinal));
        Assert.Equal(2, keys["rollups"].Count);

        Assert.Equal(before, Points(await SeriesAsync(rig, Edge.AddHours(-1), Edge.AddHours(1).AddSeconds(-1))));

        // Minute rollups asked for directly: the hour whose minutes are gone comes as one hour-long rollup.
        var minutes = await rig.Samples.GetMinuteRollupsAsync("home-1", "gw", Edge.AddMinutes(-2), Edge.AddMinutes(1), CancellationToken.None);
        Assert.Equal([(Edge.AddHours(-1), TimeSpan.FromHours(1)), (Edge, TimeSpan.FromMinutes(1)), (Edge.AddMinutes(1), TimeSpan.FromMinutes(1))], minutes.Select(m => (m.Start, m.Length)));
    }

    [Fact]
    public async Task Export_starts_at_the_raw_edge_and_a_report_day_reaching_before_it_is_not_rebuilt()
    {
        using var rig = await IngestedAsync();
        rig.Time.SetUtcNow(Edge.AddDays(35).AddHours(10));

        var answer = await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None),
            $"?target={GatewayId}&from={Text(Edge.AddMinutes(-30))}&to={Text(Edge.AddMinutes(30))}&format=json");
        Assert.Equal(200, answer.Status);
        var json = answer.Json;
        Assert.Equal("2026-03-29T00:00:00Z", json.GetProperty("from").GetString());
        var samples = json.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("t").GetString()).ToList();
        Assert.Equal(1801, samples.Count);
        Assert.Equal("2026-03-29T00:00:00Z", samples[0]);

        // The local day 2026-03-29 in Berlin began at 23:00 UTC the day before: an hour of it is past the edge.
        var refused = await Assert.ThrowsAsync<ReportDateOutOfRangeException>(() => rig.Reports.RebuildAsync(new DateOnly(2026, 3, 29)));
        Assert.Contains("kept 35 days", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>23:00 to 01:00 UTC around <see cref="Edge"/>, one target at 1 Hz, ingested live and compacted at 01:10.</summary>
    private async Task<RetentionRig> IngestedAsync()
    {
        var rig = RetentionRig.Create(azurite.ConnectionString, Edge.AddHours(-1));
        await rig.IngestAsync(new Scenario("home-1", Edge.AddHours(-1)).Target("gw", Scenario.Healthy).Batches(720));
        rig.Time.SetUtcNow(Edge.AddMinutes(70));
        await rig.Compaction.RunAsync(CancellationToken.None);
        return rig;
    }

    private static async Task<JsonElement> SeriesAsync(RetentionRig rig, DateTimeOffset from, DateTimeOffset to)
    {
        var answer = await Answer.Of(r => rig.Targets.SeriesAsync(r, GatewayId, CancellationToken.None), $"?from={Text(from)}&to={Text(to)}");
        Assert.Equal(200, answer.Status);
        return answer.Json;
    }

    private static string Text(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    private static List<Point> Points(JsonElement series) =>
        [.. series.GetProperty("points").EnumerateArray().Select(p => new Point(
            DateTimeOffset.Parse(p.GetProperty("t").GetString()!, CultureInfo.InvariantCulture),
            p.GetProperty("count").GetInt32(),
            p.GetProperty("p50Ms").ValueKind == JsonValueKind.Null ? null : p.GetProperty("p50Ms").GetDouble()))];

    private sealed record Point(DateTimeOffset T, int Count, double? P50);
}
