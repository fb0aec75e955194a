using Azure.Data.Tables;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;
using static NetPulse.Monitoring.Tests.Paths.TestPaths;

namespace NetPulse.Monitoring.Tests.Paths;

/// <summary>Snapshots that batches carry, stored by ingestion on Azurite, read back, aged out, and paired with incidents.</summary>
public sealed class PathStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static List<PingBatch> Batches(int count) => new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Batches(count);

    [Fact]
    public async Task A_batch_s_snapshots_are_stored_per_target_newest_first_and_a_replay_adds_nothing()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var batch = Batches(1)[0] with
        {
            Paths = [Usual("gw", Start.AddSeconds(1), PathSnapshotReason.Baseline), Rerouted("gw", Start.AddSeconds(5), null)],
        };
        rig.Time.SetUtcNow(Start.AddSeconds(12));
        await rig.IngestAsync(batch, "m1", 1);
        var first = await rig.DumpAsync("paths", "batches");
        await rig.IngestAsync(batch, "m1", 2);

        Assert.Equal(first, await rig.DumpAsync("paths", "batches"));
        Assert.Equal(3, first["paths"].Count); // two snapshots and the baseline's copy

        var store = rig.Get<PathStore>();
        var listed = await store.ListAsync("home-1", "gw", Start, Start.AddMinutes(1), 10, CancellationToken.None);
        Assert.Equal([Start.AddSeconds(5), Start.AddSeconds(1)], listed.Select(p => p.Snapshot.StartedAt));
        Assert.Equal(PathSnapshotReason.Trouble, listed[0].Reason); // no reason: an older probe's, read as trouble
        Assert.Equal(batch.Paths![1], (await store.GetAsync("home-1", "gw", Start.AddSeconds(5), CancellationToken.None))!.Snapshot with { Hops = batch.Paths[1].Hops });
        Assert.Equal(batch.Paths[1].Hops, listed[0].Snapshot.Hops);
        Assert.Equal(Start.AddSeconds(1), (await store.LatestBaselineAsync("home-1", "gw", Start.AddSeconds(5), CancellationToken.None))!.Snapshot.StartedAt);
        Assert.Null(await store.LatestBaselineAsync("home-1", "gw", Start.AddSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_for_a_target_the_probe_never_had_is_refused_and_the_batch_is_stored()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var batch = Batches(1)[0] with { Paths = [Usual("elsewhere", Start.AddSeconds(1), PathSnapshotReason.Trouble)] };
        rig.Time.SetUtcNow(Start.AddSeconds(12));
        await rig.IngestAsync(batch);

        var dump = await rig.DumpAsync("paths", "batches");
        Assert.Empty(dump["paths"]);
        Assert.Single(dump["batches"]);
    }

    [Fact]
    public async Task A_snapshot_for_a_target_the_batch_leaves_out_is_stored_when_the_catalogue_knows_it()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var batches = new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Target("dns", Scenario.Healthy).Batches(1)
            .Concat(new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Batches(2).Skip(1))
            .ToList();
        batches[1] = batches[1] with { Paths = [Usual("dns", Start.AddSeconds(11), PathSnapshotReason.Trouble)] };
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        Assert.Single(await rig.Get<PathStore>().ListAsync("home-1", "dns", Start, Start.AddMinutes(1), 10, CancellationToken.None));
    }

    [Fact]
    public async Task Ingestion_records_a_route_change_when_the_third_differing_snapshot_arrives()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var batches = Batches(4);
        PathSnapshot[] paths =
        [
            Usual("gw", Start.AddSeconds(1), PathSnapshotReason.Baseline),
            Rerouted("gw", Start.AddSeconds(11), PathSnapshotReason.Trouble),
            Rerouted("gw", Start.AddSeconds(21), PathSnapshotReason.Trouble),
            Rerouted("gw", Start.AddSeconds(31), PathSnapshotReason.Trouble),
        ];
        var store = rig.Get<PathStore>();
        for (var i = 0; i < batches.Count; i++)
        {
            rig.Time.SetUtcNow(batches[i].WindowStart.AddSeconds(12));
            await rig.IngestAsync(batches[i] with { Paths = [paths[i]] });
            var recorded = await store.RouteChangesAsync("home-1", "gw", Start, Start.AddHours(1), 10, CancellationToken.None);
            Assert.Equal(i == 3 ? 1 : 0, recorded.Count);
        }

        var change = Assert.Single(await store.RouteChangesAsync("home-1", "gw", Start, Start.AddHours(1), 10, CancellationToken.None));
        Assert.Equal(new RouteHopChange(2, "10.200.2.1", "10.200.22.1"), Assert.Single(change.Hops));
        Assert.Equal(Start.AddSeconds(11), change.FirstSeenAt);

        // Delivered again: the same row, nothing more.
        var before = await rig.DumpAsync("paths");
        await rig.IngestAsync(batches[3] with { Paths = [paths[3]] });
        Assert.Equal(before, await rig.DumpAsync("paths"));
    }

    [Fact]
    public async Task Retention_deletes_paths_older_than_the_minute_rollups_and_keeps_the_rest()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start, new Dictionary<string, string?>
        {
            ["NetPulse:Retention:RawDays"] = "35",
            ["NetPulse:Retention:MinuteRollupDays"] = "40",
        });
        var store = rig.Get<PathStore>();
        rig.Time.SetUtcNow(Start.AddSeconds(12));
        await rig.IngestAsync(Batches(1)[0]);

        // Written straight to the store: a batch that old would be refused as past the backlog limit.
        var old = Start.AddDays(-41);
        var kept = Start.AddDays(-39);
        foreach (var at in new[] { old, kept })
        {
            Assert.True(await store.StoreAsync("home-1", "gw", Usual("gw", at, PathSnapshotReason.Baseline), CancellationToken.None));
            await store.RecordRouteChangeAsync(new RouteChange("home-1", "gw", at, at, "b", PathIds.Of(at), [new RouteHopChange(2, "10.200.2.1", "10.200.22.1")]), CancellationToken.None);
        }

        var run = await rig.Get<RetentionHandler>().RunAsync(CancellationToken.None);

        Assert.Equal(3, run.PathRows);
        var keys = (await rig.DumpAsync("paths"))["paths"];
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.Contains(TableKeys.InvertedTicks(kept), k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incident_s_pair_is_the_first_trouble_snapshot_in_its_first_minutes_beside_the_last_baseline_before_it()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var store = rig.Get<PathStore>();
        var lossy = Snapshot("gw", Start.AddSeconds(40), PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 5), ("10.200.3.1", 5));
        PathSnapshot[] stored =
        [
            Usual("gw", Start.AddHours(-2), PathSnapshotReason.Baseline),
            Usual("gw", Start.AddHours(-1), PathSnapshotReason.Baseline),
            Usual("gw", Start.AddSeconds(10), PathSnapshotReason.Baseline),
            lossy,
            Snapshot("gw", Start.AddMinutes(3), PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 10), ("10.200.3.1", 2)),
        ];
        foreach (var snapshot in stored)
        {
            await store.StoreAsync("home-1", "gw", snapshot, CancellationToken.None);
        }

        var incident = new Incident
        {
            Id = IncidentIds.Create("home-1", "gw", IncidentType.Loss, Start),
            ProbeId = "home-1",
            TargetName = "gw",
            Type = IncidentType.Loss,
            Start = Start,
        };
        rig.Time.SetUtcNow(Start.AddMinutes(10));
        var pair = await rig.Get<IncidentPaths>().ForAsync(incident, CancellationToken.None);

        Assert.Equal(lossy, pair.AtStart!.Snapshot with { Hops = lossy.Hops });
        Assert.Equal(Start.AddSeconds(10), pair.Baseline!.Snapshot.StartedAt);
        Assert.Equal(2, pair.Finding!.Ttl);
        Assert.Empty(pair.Differences);

        // The evidence pack prints the same snapshot beside the incident.
        var packPath = await new NetPulse.Monitoring.Evidence.StoredIncidentPaths(rig.Get<IncidentPaths>()).AtIncidentStartAsync("home-1", "gw", Start, CancellationToken.None);
        Assert.Equal(lossy.StartedAt, packPath!.StartedAt);

        // No trouble snapshot in the first minutes: the nearest after the start, whatever its reason.
        var later = incident with { Start = Start.AddMinutes(-30), Id = IncidentIds.Create("home-1", "gw", IncidentType.Loss, Start.AddMinutes(-30)) };
        Assert.Equal(Start.AddSeconds(10), (await rig.Get<IncidentPaths>().AtStartAsync(later, CancellationToken.None))!.Snapshot.StartedAt);

        // A probe's own incident has no path.
        var silent = incident with { Type = IncidentType.ProbeSilent, TargetName = "" };
        Assert.Null((await rig.Get<IncidentPaths>().ForAsync(silent, CancellationToken.None)).AtStart);
    }
}
