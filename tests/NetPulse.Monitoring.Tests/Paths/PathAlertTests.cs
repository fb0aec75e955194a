using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;
using static NetPulse.Monitoring.Tests.Paths.TestPaths;

namespace NetPulse.Monitoring.Tests.Paths;

public sealed class PathAlertTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_compact_path_lists_each_hop_and_marks_where_loss_persists_from()
    {
        var lossy = Snapshot("gw", Start, PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 10), ("10.200.3.1", 5));
        Assert.Equal("1 10.200.1.1 0% · 2 10.200.2.1 0% · 3 10.200.3.1 50% ← loss from here", AlertText.CompactPath(lossy));

        // Loss at a middle hop only is rate limiting: nothing is marked.
        var limited = Snapshot("gw", Start, PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 3), ("10.200.3.1", 10));
        Assert.DoesNotContain('←', AlertText.CompactPath(limited));

        var broken = Snapshot("gw", Start, PathSnapshotReason.Trouble, ("10.200.1.1", 10), (null, 0), (null, 0));
        Assert.Equal("1 10.200.1.1 0% · 2 ??? 100% ← loss from here · 3 ??? 100%", AlertText.CompactPath(broken));
    }

    [Fact]
    public async Task An_outage_whose_trouble_snapshot_came_first_opens_with_its_path_and_one_without_opens_anyway()
    {
        var batches = new Scenario("home-1", Start)
            .Target("gw", s => s >= 20 ? Scenario.Timeout : Scenario.Healthy(s))
            .Target("nas", s => s >= 20 ? Scenario.Timeout : Scenario.Healthy(s))
            .Batches(6);
        var broken = Snapshot("gw", Start.AddSeconds(20), PathSnapshotReason.Trouble, ("10.200.1.1", 10), ("10.200.2.1", 10), (null, 0));
        batches[2] = batches[2] with { Paths = [broken] };
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        var opened = (await rig.AlertsAsync()).Where(a => a.Kind == NetPulse.Monitoring.Incidents.AlertKind.Opened).SelectMany(a => a.Incidents).ToDictionary(i => i.Incident.TargetName);
        Assert.Equal("1 10.200.1.1 0% · 2 10.200.2.1 0% · 3 ??? 100% ← loss from here", opened["gw"].Path);
        Assert.Null(opened["nas"].Path);
    }
}
