using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Api;
using static NetPulse.Monitoring.Tests.Api.ApiScenario;
using static NetPulse.Monitoring.Tests.Paths.TestPaths;

namespace NetPulse.Monitoring.Tests.Paths;

/// <summary>The path routes over the shared API scenario: the printer, down since <see cref="PrinterDownFrom"/>, has snapshots.</summary>
[Collection(SharedApiRig.Name)]
public sealed class PathsApiTests(ApiRig rig)
{
    private static readonly string PrinterId = ApiRig.Id(Home, Printer);

    private PathsHandler Handler => rig.Services.GetRequiredService<PathsHandler>();

    /// <summary>A baseline an hour before the outage and the trouble snapshot at its start, whose destination stops answering.</summary>
    private async Task<(PathSnapshot Baseline, PathSnapshot Trouble)> StoreAsync()
    {
        var baseline = Snapshot(Printer, PrinterDownFrom.AddHours(-1), PathSnapshotReason.Baseline, ("10.200.1.1", 10), ("10.200.2.1", 10), ("10.200.3.1", 10));
        var trouble = Snapshot(Printer, PrinterDownFrom.AddSeconds(2), PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 7), ("10.200.3.1", 5));
        var store = rig.Services.GetRequiredService<PathStore>();
        await store.StoreAsync(Home, Printer, baseline, CancellationToken.None);
        await store.StoreAsync(Home, Printer, trouble, CancellationToken.None);
        return (baseline, trouble);
    }

    [Fact]
    public async Task The_list_is_newest_first_within_the_range_and_bad_parameters_are_problems()
    {
        var (baseline, trouble) = await StoreAsync();

        var answer = await Answer.Of(r => Handler.ListAsync(r, PrinterId, CancellationToken.None));
        Assert.Equal(200, answer.Status);
        var listed = answer.Json.GetProperty("paths").EnumerateArray().ToList();
        Assert.Equal([PathIds.Of(trouble.StartedAt), PathIds.Of(baseline.StartedAt)], listed.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal("baseline", listed[1].GetProperty("reason").GetString());
        Assert.False(answer.Json.GetProperty("truncated").GetBoolean());

        var older = await Answer.Of(r => Handler.ListAsync(r, PrinterId, CancellationToken.None), "?to=" + Uri.EscapeDataString(PrinterDownFrom.ToString("O")));
        Assert.Equal([PathIds.Of(baseline.StartedAt)], older.Json.GetProperty("paths").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        (await Answer.Of(r => Handler.ListAsync(r, PrinterId, CancellationToken.None), "?from=yesterday")).AssertProblem(400, "from");
        (await Answer.Of(r => Handler.ListAsync(r, PrinterId, CancellationToken.None), "?from=2026-01-01T00:00:00Z")).AssertProblem(400, "from");
        (await Answer.Of(r => Handler.ListAsync(r, "no-tilde", CancellationToken.None))).AssertProblem(400, "id");
        (await Answer.Of(r => Handler.ListAsync(r, ApiRig.Id(Home, "nobody"), CancellationToken.None))).AssertProblem(404, "id");
    }

    [Fact]
    public async Task One_snapshot_names_the_hop_where_loss_begins_in_words_and_reads_as_mtr_text()
    {
        var (_, trouble) = await StoreAsync();
        var id = PathIds.Of(trouble.StartedAt);

        var json = (await Answer.Of(r => Handler.GetAsync(r, PrinterId, id, CancellationToken.None))).Json;
        Assert.Equal(3, json.GetProperty("hops").GetArrayLength());
        Assert.Equal(30.0, json.GetProperty("hops")[1].GetProperty("lossPercent").GetDouble());
        var finding = json.GetProperty("finding");
        Assert.Equal(2, finding.GetProperty("ttl").GetInt32());
        Assert.Equal("10.200.2.1", finding.GetProperty("address").GetString());
        Assert.Contains("Loss starts at hop 2", finding.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        var text = await Answer.Of(r => Handler.GetAsync(r, PrinterId, id, CancellationToken.None), "?format=mtr");
        Assert.Equal(200, text.Status);
        Assert.StartsWith("text/plain", text.ContentType, StringComparison.Ordinal);
        Assert.Contains("  2.|-- 10.200.2.1                30.0%    10    1.2   1.0   0.3   2.5   0.4\n", text.Text, StringComparison.Ordinal);

        (await Answer.Of(r => Handler.GetAsync(r, PrinterId, id, CancellationToken.None), "?format=pdf")).AssertProblem(400, "format");
        (await Answer.Of(r => Handler.GetAsync(r, PrinterId, "latest", CancellationToken.None))).AssertProblem(400, "snapshotId");
        (await Answer.Of(r => Handler.GetAsync(r, PrinterId, PathIds.Of(trouble.StartedAt.AddTicks(1)), CancellationToken.None))).AssertProblem(404, "snapshotId");
        (await Answer.Of(r => Handler.GetAsync(r, ApiRig.Id(Home, "nobody"), id, CancellationToken.None))).AssertProblem(404, "id");
    }

    [Fact]
    public async Task An_incident_shows_the_snapshot_at_its_start_beside_the_last_baseline_before_it()
    {
        var (baseline, trouble) = await StoreAsync();
        var incident = (await rig.Services.GetRequiredService<IncidentReader>().GetOpenIncidentsAsync(Home))
            .Single(i => i.TargetName == Printer && i.Type == IncidentType.Down);

        var answer = await Answer.Of(r => Handler.IncidentAsync(r, incident.Id, CancellationToken.None));

        Assert.Equal(200, answer.Status);
        var json = answer.Json;
        Assert.Equal(PrinterId, json.GetProperty("targetId").GetString());
        Assert.Equal(PathIds.Of(trouble.StartedAt), json.GetProperty("atStart").GetProperty("id").GetString());
        Assert.Equal(PathIds.Of(baseline.StartedAt), json.GetProperty("baseline").GetProperty("id").GetString());
        Assert.Equal(2, json.GetProperty("atStart").GetProperty("finding").GetProperty("ttl").GetInt32());
        Assert.Equal(JsonValueKind.Array, json.GetProperty("differences").ValueKind);

        (await Answer.Of(r => Handler.IncidentAsync(r, "not-an-incident", CancellationToken.None))).AssertProblem(400, "id");
        var unknown = IncidentIds.Create(Home, Printer, IncidentType.Loss, PrinterDownFrom.AddDays(-3));
        (await Answer.Of(r => Handler.IncidentAsync(r, unknown, CancellationToken.None))).AssertProblem(404, "id");
    }
}
