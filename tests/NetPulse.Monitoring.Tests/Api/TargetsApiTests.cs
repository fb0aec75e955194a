using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using static NetPulse.Monitoring.Tests.Api.ApiScenario;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class TargetsApiTests(ApiRig rig)
{
    [Fact]
    public async Task The_list_has_every_probe_and_target_in_order_with_status_from_incidents_and_probe_silence()
    {
        var answer = await Answer.Of(r => rig.Targets.ListAsync(r, CancellationToken.None));

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        var json = answer.Json;
        Assert.Equal("2026-03-01T02:30:20Z", json.GetProperty("generatedAt").GetString());

        var probes = json.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("probeId").GetString()!);
        Assert.Equal([Cabin, Home, Office], probes.Keys.Order(StringComparer.Ordinal));
        Assert.True(probes[Cabin].GetProperty("silent").GetBoolean());
        Assert.False(probes[Home].GetProperty("silent").GetBoolean());
        Assert.Equal("2026-03-01T02:29:59Z", probes[Home].GetProperty("lastSeenAt").GetString());
        Assert.Equal("2026-03-01T01:29:59Z", probes[Cabin].GetProperty("lastSeenAt").GetString());

        var targets = json.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(
            [(Cabin, Gateway), (Home, Hostile), (Home, Gateway), (Home, Nas), (Home, Printer), (Office, Gateway)],
            targets.Select(t => (t.GetProperty("probeId").GetString()!, t.GetProperty("name").GetString()!)));
        var status = targets.ToDictionary(t => t.GetProperty("id").GetString()!, t => t.GetProperty("status").GetString());
        Assert.Equal("unknown", status[ApiRig.Id(Cabin, Gateway)]);
        Assert.Equal("up", status[ApiRig.Id(Home, Gateway)]);
        Assert.Equal("up", status[ApiRig.Id(Home, Nas)]);
        Assert.Equal("down", status[ApiRig.Id(Home, Printer)]);
        Assert.Equal("up", status[ApiRig.Id(Office, Gateway)]);

        // Config text comes back as it was sent: escaping it is the page's job.
        var hostile = targets.Single(t => t.GetProperty("id").GetString() == ApiRig.Id(Home, Hostile));
        Assert.Equal("<script>alert(1)</script>", hostile.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, targets[0].GetProperty("description").ValueKind);

        var printer = targets.Single(t => t.GetProperty("name").GetString() == Printer);
        var open = Assert.Single(printer.GetProperty("openIncidents").EnumerateArray());
        Assert.Equal("down", open.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, printer.GetProperty("lastRttMs").ValueKind);
    }

    [Fact]
    public async Task A_target_carries_its_last_round_loss_uptime_and_sparkline_as_the_rounds_say()
    {
        var answer = await Answer.Of(r => rig.Targets.GetAsync(r, ApiRig.Id(Home, Gateway), CancellationToken.None));

        Assert.Equal(200, answer.Status);
        var gw = answer.Json;
        Assert.Equal(ApiRig.Id(Home, Gateway), gw.GetProperty("id").GetString());
        Assert.Equal("10.200.0.1", gw.GetProperty("host").GetString());
        Assert.Equal("uplink", gw.GetProperty("category").GetString());
        Assert.True(gw.GetProperty("uplink").GetBoolean());
        Assert.Equal(1000, gw.GetProperty("intervalMs").GetInt32());
        Assert.Equal(150, gw.GetProperty("latencyThresholdMs").GetDouble());
        Assert.Equal(5, gw.GetProperty("lossThresholdPercent").GetDouble());

        var last = LiveEnd.AddSeconds(-1);
        Assert.Equal("2026-03-01T02:29:59Z", gw.GetProperty("lastSampleAt").GetString());
        Assert.Equal(Value(Home, Gateway, last) / 1000.0, gw.GetProperty("lastRttMs").GetDouble());

        // The hour is the 60 minutes up to the current one, the day the 1,440.
        var hour = Rounds(Home, Gateway, new DateTimeOffset(2026, 3, 1, 1, 31, 0, TimeSpan.Zero), Now).ToList();
        var day = Rounds(Home, Gateway, new DateTimeOffset(2026, 2, 28, 2, 31, 0, TimeSpan.Zero), Now).ToList();
        Assert.Equal(Math.Round(100.0 * hour.Count(r => r.Value < 0) / hour.Count, 3), gw.GetProperty("loss1hPercent").GetDouble());
        Assert.Equal(Math.Round(100.0 * day.Count(r => r.Value >= 0) / day.Count, 3), gw.GetProperty("uptime24hPercent").GetDouble());

        var expected = hour.GroupBy(r => r.Time.AddSeconds(-r.Time.Second))
            .Select(m => (m.Key, Median(m.Select(r => r.Value))))
            .ToList();
        var sparkline = gw.GetProperty("sparkline").EnumerateArray()
            .Select(p => (DateTimeOffset.Parse(p.GetProperty("t").GetString()!, System.Globalization.CultureInfo.InvariantCulture), (double?)p.GetProperty("rttMs").GetDouble()))
            .ToList();
        Assert.Equal(59, sparkline.Count);
        Assert.Equal(expected, sparkline);
    }

    [Fact]
    public async Task One_target_answers_as_in_the_list()
    {
        var list = (await Answer.Of(r => rig.Targets.ListAsync(r, CancellationToken.None))).Json.GetProperty("targets");

        foreach (var target in list.EnumerateArray())
        {
            var one = await Answer.Of(r => rig.Targets.GetAsync(r, target.GetProperty("id").GetString(), CancellationToken.None));
            Assert.Equal(200, one.Status);
            Assert.Equal(target.GetRawText(), one.Json.GetRawText());
        }
    }

    [Fact]
    public async Task Figures_from_batches_alone_equal_figures_from_rollups_and_batches()
    {
        var services = rig.Services;
        var fromBoth = new TargetFiguresReader(
            services.GetRequiredService<SampleReader>(), services.GetRequiredService<BatchStore>(), rig.Time);
        var fromBatches = new TargetFiguresReader(
            services.GetRequiredService<SampleReader>(), services.GetRequiredService<BatchStore>(), rig.Time);
        var compactedThrough = await services.GetRequiredService<SampleReader>().CompactedThroughAsync(Home, CancellationToken.None);
        Assert.Equal(Now.AddMinutes(-2), compactedThrough);

        var both = await fromBoth.GetAsync(Home, compactedThrough, TargetsOf(Home), CancellationToken.None);
        var batches = await fromBatches.GetAsync(Home, null, TargetsOf(Home), CancellationToken.None);

        foreach (var name in TargetsOf(Home))
        {
            Assert.Equal(batches[name].Loss1hPercent, both[name].Loss1hPercent);
            Assert.Equal(batches[name].Uptime24hPercent, both[name].Uptime24hPercent);
            Assert.Equal(batches[name].Sparkline, both[name].Sparkline);
            Assert.NotEmpty(both[name].Sparkline);
        }
    }

    [Theory]
    [InlineData("gw")]
    [InlineData("home-1")]
    [InlineData("home-1~")]
    [InlineData("~Z3c")]
    [InlineData("home 1~Z3c")]
    [InlineData("home-1~Z3c=")]
    [InlineData("home-1~!!!")]
    [InlineData("home-1~Z3d")]
    [InlineData("home-1~Z3c~Z3c")]
    [InlineData("home-1~IGd3")]
    public async Task A_malformed_id_is_a_400_naming_id(string id)
    {
        var answer = await Answer.Of(r => rig.Targets.GetAsync(r, id, CancellationToken.None));

        Assert.Contains("no target id", answer.AssertProblem(400, "id"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghost", Gateway)]
    [InlineData(Home, "router")]
    [InlineData(Office, Nas)]
    public async Task An_unknown_probe_or_target_is_a_404_naming_id(string probeId, string target)
    {
        var answer = await Answer.Of(r => rig.Targets.GetAsync(r, ApiRig.Id(probeId, target), CancellationToken.None));

        answer.AssertProblem(404, "id");
    }

    private static double? Median(IEnumerable<int> values)
    {
        var replies = values.Where(v => v >= 0).Order().ToList();
        return replies.Count == 0 ? null : SampleStatistics.NearestRank(replies, 50) / 1000.0;
    }
}
