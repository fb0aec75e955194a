using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Tests.Retention;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// Two months of generated rounds (a round a minute, three targets) ingested and compacted as production does, in the
/// report zone Europe/Berlin, across the 2026-10-25 fall-back night; then the retention job deletes the rounds older than
/// 35 days (so that night is served from hour rollups only), and the last three hours are left uncompacted (served from
/// their batches). Every heatmap cell and every quality and ranking figure is held to a brute-force reference over the
/// generated rounds.
/// </summary>
public sealed class EvidenceViewsApiTests(EvidenceViewsFixture data, ITestOutputHelper output) : IClassFixture<EvidenceViewsFixture>
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("loss")]
    [InlineData("p95")]
    public async Task Every_cell_of_eight_weeks_matches_the_rounds_across_the_fall_back_day_and_the_retention_edge(string metric)
    {
        var watch = Stopwatch.StartNew();
        var answer = await Answer.Of(r => data.Heatmaps.HeatmapAsync(r, EvidenceViewsFixture.GatewayId, CancellationToken.None), $"?metric={metric}&weeks=8");
        output.WriteLine($"8-week {metric} heatmap served in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(200, answer.Status);
        var json = answer.Json;
        Assert.Equal("Europe/Berlin", json.GetProperty("timeZone").GetString());
        Assert.Equal(metric == "loss" ? "%" : "ms", json.GetProperty("unit").GetString());

        var days = json.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(56, days.Count);
        Assert.Equal("2026-10-16", days[0].GetProperty("date").GetString());
        Assert.Equal("2026-12-10", days[^1].GetProperty("date").GetString());

        var reference = EvidenceViewsFixture.Rounds[EvidenceViewsFixture.Gateway]
            .GroupBy(r => LocalKey(r.Time))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Value).ToList());
        var cells = 0;
        foreach (var day in days)
        {
            var date = day.GetProperty("date").GetString()!;
            foreach (var cell in day.GetProperty("hours").EnumerateArray())
            {
                cells++;
                var key = (date, cell.GetProperty("hour").GetInt32(), cell.GetProperty("offsetMinutes").GetInt32());
                var start = DateTimeOffset.Parse(cell.GetProperty("start").GetString()!, CultureInfo.InvariantCulture);
                Assert.Equal(key, LocalKey(start));
                var values = reference.GetValueOrDefault(key) ?? [];
                Assert.Equal(values.Count, cell.GetProperty("rounds").GetInt32());
                var expected = metric == "loss" ? Loss(values) : NearestRankMs(values, 95);
                Assert.Equal(expected, Number(cell.GetProperty("value")));
            }
        }

        // 56 days of 24 hours, one of them 25, today's up to 10:00 local (09:20 UTC): 55 × 24 + 1 + 11 cells.
        Assert.Equal((55 * 24) + 1 + 11, cells);
        var fallBack = days.Single(d => d.GetProperty("date").GetString() == "2026-10-25");
        var repeated = fallBack.GetProperty("hours").EnumerateArray().Where(c => c.GetProperty("hour").GetInt32() == 2).ToList();
        Assert.Equal([120, 60], repeated.Select(c => c.GetProperty("offsetMinutes").GetInt32()));
        Assert.All(repeated, c => Assert.Equal(60, c.GetProperty("rounds").GetInt32()));

        // The gateway's silent hours are no data, not 0 %; its rounds before the raw edge are really gone from the tables.
        var silent = days.Single(d => d.GetProperty("date").GetString() == "2026-11-01").GetProperty("hours").EnumerateArray().Single(c => c.GetProperty("hour").GetInt32() == 12);
        Assert.Equal(JsonValueKind.Null, silent.GetProperty("value").ValueKind);
        Assert.Equal(0.0, silent.GetProperty("coveragePercent").GetDouble());
        Assert.DoesNotContain(data.BatchKeys, k => k.StartsWith("home-1|20261025", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quality_over_31_days_matches_the_rounds()
    {
        var from = EvidenceViewsFixture.Now.AddDays(-31);
        var answer = await Answer.Of(
            r => data.Heatmaps.QualityAsync(r, EvidenceViewsFixture.DnsId, CancellationToken.None),
            $"?from={Text(from)}&to={Text(EvidenceViewsFixture.Now)}");
        Assert.Equal(200, answer.Status);
        var json = answer.Json;

        // Whole UTC hours: 08:00 to 10:00.
        var hoursFrom = new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.Zero);
        var hoursTo = new DateTimeOffset(2026, 12, 10, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal((hoursFrom, hoursTo), (Time(json.GetProperty("from")), Time(json.GetProperty("to"))));
        AssertFigures(Reference(EvidenceViewsFixture.Dns, hoursFrom, hoursTo), json.GetProperty("quality"));
    }

    [Fact]
    public async Task Ranking_puts_the_worst_first_with_the_references_figures_and_lists_the_silent_target_apart()
    {
        var from = EvidenceViewsFixture.Now.AddDays(-7);
        var hoursFrom = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var hoursTo = new DateTimeOffset(2026, 12, 10, 10, 0, 0, TimeSpan.Zero);
        foreach (var by in new[] { "loss", "p95", "jitter" })
        {
            var answer = await Answer.Of(r => data.Ranking.RankAsync(r, CancellationToken.None), $"?from={Text(from)}&to={Text(EvidenceViewsFixture.Now)}&by={by}");
            Assert.Equal(200, answer.Status);
            var json = answer.Json;
            var ranked = json.GetProperty("targets").EnumerateArray().ToList();

            // The DNS server has the evening losses and the slow replies.
            Assert.Equal([EvidenceViewsFixture.Dns, EvidenceViewsFixture.Gateway], ranked.Select(t => t.GetProperty("name").GetString()));
            Assert.Equal(2, json.GetProperty("ranked").GetInt32());
            var apart = Assert.Single(json.GetProperty("noData").EnumerateArray());
            Assert.Equal(EvidenceViewsFixture.Old, apart.GetProperty("name").GetString());
            Assert.Equal(JsonValueKind.Null, apart.GetProperty("quality").GetProperty("lossPercent").ValueKind);
            foreach (var target in ranked)
            {
                AssertFigures(Reference(target.GetProperty("name").GetString()!, hoursFrom, hoursTo), target.GetProperty("quality"));
            }
        }
    }

    [Theory]
    [InlineData("", "metric")]
    [InlineData("?metric=jitter", "metric")]
    [InlineData("?metric=loss&weeks=3", "weeks")]
    [InlineData("?metric=loss&weeks=9", "weeks")]
    [InlineData("?metric=p95&weeks=six", "weeks")]
    public async Task A_bad_heatmap_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var answer = await Answer.Of(r => data.Heatmaps.HeatmapAsync(r, EvidenceViewsFixture.GatewayId, CancellationToken.None), query);

        answer.AssertProblem(400, parameter);
    }

    [Theory]
    [InlineData("?by=mos", "by")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?from=2026-10-01T00:00:00Z&to=2026-11-05T00:00:00Z", "from")]
    [InlineData("?from=yesterday", "from")]
    public async Task A_bad_ranking_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var answer = await Answer.Of(r => data.Ranking.RankAsync(r, CancellationToken.None), query);

        answer.AssertProblem(400, parameter);
    }

    [Fact]
    public async Task An_unknown_or_malformed_target_is_a_404_or_400_on_both_target_routes()
    {
        var unknown = TargetIds.Format("home-1", "nobody");

        (await Answer.Of(r => data.Heatmaps.HeatmapAsync(r, unknown, CancellationToken.None), "?metric=loss")).AssertProblem(404, "id");
        (await Answer.Of(r => data.Heatmaps.QualityAsync(r, unknown, CancellationToken.None))).AssertProblem(404, "id");
        (await Answer.Of(r => data.Heatmaps.HeatmapAsync(r, "not an id", CancellationToken.None), "?metric=loss")).AssertProblem(400, "id");
        (await Answer.Of(r => data.Heatmaps.QualityAsync(r, EvidenceViewsFixture.GatewayId, CancellationToken.None), "?from=2026-10-01T00:00:00Z")).AssertProblem(400, "from");
    }

    [Fact]
    public async Task The_limit_cuts_the_ranking_and_says_so()
    {
        var answer = await Answer.Of(r => data.Ranking.RankAsync(r, CancellationToken.None), "?limit=1");

        Assert.Equal(200, answer.Status);
        Assert.True(answer.Json.GetProperty("truncated").GetBoolean());
        Assert.Single(answer.Json.GetProperty("targets").EnumerateArray());
        Assert.Equal(2, answer.Json.GetProperty("ranked").GetInt32());
    }

    private static void AssertFigures(Figures expected, JsonElement quality)
    {
        Assert.Equal(expected.Rounds, quality.GetProperty("rounds").GetInt64());
        Assert.Equal(expected.Replies, quality.GetProperty("replies").GetInt64());
        Close(expected.Loss, Number(quality.GetProperty("lossPercent")));
        Close(expected.Avg, Number(quality.GetProperty("avgMs")));
        Close(expected.Jitter, Number(quality.GetProperty("jitterMs")));
        Close(MeanOpinionScore.Estimate(expected.Avg, expected.Jitter, expected.Loss!.Value), Number(quality.GetProperty("mos")));
        Close(expected.Coverage, quality.GetProperty("coveragePercent").GetDouble());

        // The range's p95 is pooled from the hours' quantiles: an estimate, within 5 % of the exact figure here.
        var p95 = Number(quality.GetProperty("p95Ms"))!.Value;
        Assert.InRange(p95, expected.P95!.Value * 0.95, expected.P95.Value * 1.05);
    }

    private static void Close(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.InRange(actual!.Value, e - 0.0015, e + 0.0015);
        }
    }

    /// <summary>The figures straight from the generated rounds in [from, to): jitter within each UTC hour, pooled by pairs.</summary>
    private static Figures Reference(string target, DateTimeOffset from, DateTimeOffset to)
    {
        var rounds = EvidenceViewsFixture.Rounds[target].Where(r => r.Time >= from && r.Time < to).ToList();
        var replies = rounds.Where(r => r.Value >= 0).Select(r => r.Value / 1000.0).ToList();
        double jitterSum = 0;
        long pairs = 0;
        foreach (var hour in rounds.Where(r => r.Value >= 0).GroupBy(r => r.Time.UtcTicks / TimeSpan.TicksPerHour))
        {
            var ordered = hour.OrderBy(r => r.Time).Select(r => r.Value / 1000.0).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                jitterSum += Math.Abs(ordered[i] - ordered[i - 1]);
                pairs++;
            }
        }

        var expected = (Math.Min(to.UtcTicks, EvidenceViewsFixture.Now.UtcTicks) - from.UtcTicks) / (double)TimeSpan.TicksPerMinute;
        return new Figures(
            rounds.Count,
            replies.Count,
            rounds.Count == 0 ? null : 100.0 * (rounds.Count - replies.Count) / rounds.Count,
            replies.Count == 0 ? null : replies.Average(),
            NearestRankMs([.. rounds.Select(r => r.Value)], 95),
            pairs == 0 ? null : jitterSum / pairs,
            Math.Min(100, 100.0 * rounds.Count / expected));
    }

    private static (string Date, int Hour, int Offset) LocalKey(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, Berlin);
        return (local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), local.Hour, (int)local.Offset.TotalMinutes);
    }

    private static double? Loss(List<int> values) =>
        values.Count == 0 ? null : Math.Round(100.0 * values.Count(v => v < 0) / values.Count, 3);

    private static double? NearestRankMs(List<int> values, double percent)
    {
        var rtts = values.Where(v => v >= 0).Order().ToList();
        return rtts.Count == 0 ? null : rtts[Math.Max(1, (int)Math.Ceiling(percent / 100 * rtts.Count)) - 1] / 1000.0;
    }

    private static DateTimeOffset Time(JsonElement element) => DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture);

    private static double? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetDouble();

    private static string Text(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    private sealed record Figures(long Rounds, long Replies, double? Loss, double? Avg, double? P95, double? Jitter, double Coverage);
}

/// <summary>The stored two months of <see cref="EvidenceViewsApiTests"/>: generated, ingested, compacted, then cut by retention.</summary>
public sealed class EvidenceViewsFixture : IAsyncLifetime
{
    public const string Gateway = "gw";
    public const string Dns = "dns";
    public const string Old = "old";

    public static readonly DateTimeOffset Now = new(2026, 12, 10, 9, 20, 0, TimeSpan.Zero);

    public static readonly string GatewayId = TargetIds.Format("home-1", Gateway);

    public static readonly string DnsId = TargetIds.Format("home-1", Dns);

    private static readonly DateTimeOffset First = new(2026, 10, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Compaction's last run (it folds what is 2 minutes old): the hours after 05:00 are served from their batches.</summary>
    private static readonly DateTimeOffset CompactedAt = new(2026, 12, 10, 6, 0, 5, TimeSpan.Zero);

    private Azurite? _azurite;
    private RetentionRig? _rig;

    /// <summary>Every generated round per target, in time order: the reference.</summary>
    public static IReadOnlyDictionary<string, List<(DateTimeOffset Time, int Value)>> Rounds { get; } = Generate();

    public HeatmapHandler Heatmaps => Rig.Get<HeatmapHandler>();

    public RankingHandler Ranking => Rig.Get<RankingHandler>();

    public IReadOnlyList<string> BatchKeys { get; private set; } = [];

    private RetentionRig Rig => _rig ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _rig = RetentionRig.Create(_azurite.ConnectionString, First, new Dictionary<string, string?> { ["NetPulse:Compaction:MaxHoursPerRun"] = "48" });
        var hours = (int)(Now - First).TotalHours;
        var sequence = 0L;
        for (var h = 0; h < hours; h++)
        {
            var window = First.AddHours(h);
            var targets = Rounds
                .Select(pair => (Name: pair.Key, Samples: pair.Value.Where(r => r.Time >= window && r.Time < window.AddHours(1)).ToList()))
                .Where(t => t.Samples.Count > 0)
                .Select(t => new TargetSamples
                {
                    Name = t.Name,
                    Host = "10.200.0." + (t.Name.Length + 1),
                    IntervalMs = 60_000,
                    Samples = [.. t.Samples.Select(s => new WireSample((int)(s.Time - window).TotalMilliseconds, s.Value))],
                })
                .ToList();
            if (targets.Count > 0)
            {
                await _rig.IngestAsync([new PingBatch { Version = PingBatch.CurrentVersion, ProbeId = "home-1", Sequence = sequence++, WindowStart = window, Targets = targets }]);
            }

            var end = window.AddHours(1);
            // Daily, a moment after the hour's batch: the next batch arrives later (the fake clock only goes forward).
            if ((end.Hour == 0 && end < CompactedAt) || end == CompactedAt.AddSeconds(-5))
            {
                _rig.Time.SetUtcNow(end.AddSeconds(5));
                await _rig.Compaction.RunAsync(CancellationToken.None);
            }
        }

        _rig.Time.SetUtcNow(Now);
        var run = await _rig.Retention.RunAsync(CancellationToken.None);
        if (!run.Finished)
        {
            throw new InvalidOperationException("the retention run did not finish");
        }

        BatchKeys = (await _rig.KeysAsync())["batches"];
    }

    public async Task DisposeAsync()
    {
        _rig?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// A round a minute. The gateway: 8–14 ms, 1 % loss, silent 11:00–14:00 UTC on 2026-11-01. The DNS server: 20–40 ms,
    /// 60–90 ms and 15 % loss in Berlin's evening (19–22 h), 2 % loss otherwise, silent 03:00–05:00 UTC on 2026-12-09
    /// (raw part). "old" stops on 2026-10-20.
    /// </summary>
    private static Dictionary<string, List<(DateTimeOffset Time, int Value)>> Generate()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var random = new Random(17);
        var rounds = new Dictionary<string, List<(DateTimeOffset, int)>> { [Gateway] = [], [Dns] = [], [Old] = [] };
        var gatewaySilent = (From: new DateTimeOffset(2026, 11, 1, 11, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2026, 11, 1, 14, 0, 0, TimeSpan.Zero));
        var dnsSilent = (From: new DateTimeOffset(2026, 12, 9, 3, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2026, 12, 9, 5, 0, 0, TimeSpan.Zero));
        for (var t = First; t < Now.AddMinutes(-20); t = t.AddMinutes(1))
        {
            if (t < gatewaySilent.From || t >= gatewaySilent.To)
            {
                rounds[Gateway].Add((t, random.NextDouble() < 0.01 ? -(int)PingStatus.Timeout : random.Next(8_000, 14_000)));
            }

            if (t < dnsSilent.From || t >= dnsSilent.To)
            {
                var evening = TimeZoneInfo.ConvertTime(t, berlin).Hour is >= 19 and <= 22;
                var lost = random.NextDouble() < (evening ? 0.15 : 0.02);
                rounds[Dns].Add((t, lost ? -(int)PingStatus.Timeout : evening ? random.Next(60_000, 90_000) : random.Next(20_000, 40_000)));
            }

            if (t < new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero))
            {
                rounds[Old].Add((t, random.Next(5_000, 6_000)));
            }
        }

        return rounds;
    }
}
