using System.Globalization;
using System.Text.Json;
using static NetPulse.Monitoring.Tests.Api.ApiScenario;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class IncidentsApiTests(ApiRig rig)
{
    [Fact]
    public async Task The_last_week_lists_every_incident_newest_first_with_ids_times_and_durations()
    {
        var incidents = await ListAsync("");

        Assert.Equal(incidents.OrderByDescending(i => i.GetProperty("start").GetString(), StringComparer.Ordinal), incidents);
        var nasDown = incidents.Single(i => i.GetProperty("targetName").GetString() == Nas && i.GetProperty("type").GetString() == "down");
        Assert.Equal(ApiRig.Id(Home, Nas), nasDown.GetProperty("targetId").GetString());
        Assert.Equal(Home, nasDown.GetProperty("probeId").GetString());
        Assert.Equal(Text(NasDownFrom), nasDown.GetProperty("start").GetString());
        Assert.Equal(JsonValueKind.String, nasDown.GetProperty("end").ValueKind);
        Assert.InRange(nasDown.GetProperty("durationSeconds").GetInt64(), 290, 310);

        var nasSlow = incidents.Single(i => i.GetProperty("targetName").GetString() == Nas && i.GetProperty("type").GetString() == "latency");
        Assert.InRange(nasSlow.GetProperty("peakValue").GetDouble(), 200, 207);
        Assert.Equal(150, nasSlow.GetProperty("threshold").GetDouble());

        var printer = incidents.Single(i => i.GetProperty("targetName").GetString() == Printer && i.GetProperty("type").GetString() == "down");
        Assert.Equal(JsonValueKind.Null, printer.GetProperty("end").ValueKind);
        Assert.Equal((long)(Now - PrinterDownFrom).TotalSeconds, printer.GetProperty("durationSeconds").GetInt64());

        var silent = incidents.Single(i => i.GetProperty("type").GetString() == "probeSilent");
        Assert.Equal(Cabin, silent.GetProperty("probeId").GetString());
        Assert.Equal(JsonValueKind.Null, silent.GetProperty("targetId").ValueKind);
        Assert.Equal("", silent.GetProperty("targetName").GetString());
    }

    [Fact]
    public async Task Filters_by_type_state_and_target_combine()
    {
        var all = await ListAsync("");

        Assert.Equal(all.Where(i => i.GetProperty("type").GetString() == "latency").Select(Id), (await ListAsync("?type=latency")).Select(Id));
        Assert.Equal(all.Where(i => i.GetProperty("end").ValueKind == JsonValueKind.Null).Select(Id), (await ListAsync("?state=open")).Select(Id));
        Assert.Equal(all.Where(i => i.GetProperty("end").ValueKind != JsonValueKind.Null).Select(Id), (await ListAsync("?state=resolved")).Select(Id));
        Assert.Equal(all.Select(Id), (await ListAsync("?state=all")).Select(Id));
        Assert.Contains(await ListAsync("?state=open"), i => i.GetProperty("type").GetString() == "probeSilent");

        var nas = await ListAsync("?target=" + ApiRig.Id(Home, Nas));
        Assert.Equal(all.Where(i => i.GetProperty("targetId").ValueKind == JsonValueKind.String && i.GetProperty("targetId").GetString() == ApiRig.Id(Home, Nas)).Select(Id), nas.Select(Id));
        Assert.Equal(["down", "latency"], nas.Select(i => i.GetProperty("type").GetString()!).Order(StringComparer.Ordinal));

        Assert.Equal(["down"], (await ListAsync($"?target={ApiRig.Id(Home, Nas)}&type=down&state=resolved")).Select(i => i.GetProperty("type").GetString()));
        Assert.Empty(await ListAsync($"?target={ApiRig.Id(Home, Nas)}&state=open"));
        Assert.Empty(await ListAsync("?target=" + ApiRig.Id(Office, Gateway)));
    }

    [Fact]
    public async Task A_range_before_the_incidents_has_none_and_one_around_them_has_them()
    {
        Assert.Empty(await ListAsync("?from=2026-02-20T00:00:00Z&to=2026-02-27T00:00:00Z"));

        var around = await ListAsync($"?from={Uri.EscapeDataString(Text(NasDownFrom.AddMinutes(1)))}&to={Uri.EscapeDataString(Text(NasDownFrom.AddMinutes(2)))}&target={ApiRig.Id(Home, Nas)}");
        Assert.Equal(["down"], around.Select(i => i.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("?type=outage", "type")]
    [InlineData("?type=Down", "type")]
    [InlineData("?state=closed", "state")]
    [InlineData("?state=open&state=all", "state")]
    [InlineData("?target=nas", "target")]
    [InlineData("?target=home-1~%25%25", "target")]
    [InlineData("?from=soon", "from")]
    [InlineData("?to=2026-13-01T00:00:00Z", "to")]
    [InlineData("?from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z", "from")]
    [InlineData("?from=2024-03-01T00:00:00Z", "from")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        (await Answer.Of(r => rig.Incidents.ListAsync(r, CancellationToken.None), query)).AssertProblem(400, parameter);
    }

    [Fact]
    public async Task An_unknown_target_is_a_404_naming_target()
    {
        var answer = await Answer.Of(r => rig.Incidents.ListAsync(r, CancellationToken.None), "?target=" + ApiRig.Id(Home, "router"));

        answer.AssertProblem(404, "target");
    }

    private async Task<List<JsonElement>> ListAsync(string query)
    {
        var answer = await Answer.Of(r => rig.Incidents.ListAsync(r, CancellationToken.None), query);
        Assert.Equal(200, answer.Status);
        return [.. answer.Json.GetProperty("incidents").EnumerateArray()];
    }

    private static string Id(JsonElement incident) => incident.GetProperty("id").GetString()!;

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
