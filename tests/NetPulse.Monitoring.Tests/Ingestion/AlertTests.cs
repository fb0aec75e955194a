using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

public sealed class AlertTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_live_outage_is_announced_opened_then_resolved_once_each_with_its_context()
    {
        var batches = new Scenario("home-1", Start)
            .Target("gw", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s), uplink: true)
            .Target("web <b>&amp;</b>", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s))
            .Target("nas", Scenario.Healthy)
            .Batches(24);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);

        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
            await rig.IngestAsync(batch);
        }

        var alerts = await rig.AlertsAsync();
        Assert.Equal([AlertKind.Opened, AlertKind.Resolved], alerts.Select(a => a.Kind));
        var opened = Assert.Single(alerts[0].Incidents);
        Assert.Equal("gw", opened.Incident.TargetName);
        Assert.Equal(IncidentType.Down, opened.Incident.Type);
        Assert.Equal(Start.AddSeconds(100), opened.Incident.Start);
        Assert.Null(opened.Incident.End);
        Assert.Equal("10.200.0.3", opened.TargetHost);
        Assert.Equal("uplink", opened.TargetCategory);
        Assert.Equal(["web <b>&amp;</b>"], opened.GroupedTargets);
        Assert.NotNull(opened.Uptime24hPercent);
        Assert.InRange(opened.Uptime24hPercent!.Value, 1, 99.99);

        var resolved = Assert.Single(alerts[1].Incidents);
        Assert.Equal(opened.Incident.Id, resolved.Incident.Id);
        Assert.Equal(Start.AddSeconds(160), resolved.Incident.End);
        Assert.Equal(60, resolved.Incident.PeakValue);
        Assert.Equal(TimeSpan.FromSeconds(60), resolved.Incident.Duration);
        Assert.Equal(["web <b>&amp;</b>"], resolved.GroupedTargets);
    }

    [Fact]
    public async Task A_late_backlog_of_finished_incidents_is_one_summary_once_it_has_caught_up()
    {
        var scenario = IngestionTests.Outages();
        var backlog = scenario.Batches(150);
        var live = scenario.Batches(1, firstSequence: 200).Select(b => b with { WindowStart = Start.AddHours(5) }).Single();
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(5).AddSeconds(12));

        foreach (var batch in backlog)
        {
            await rig.IngestAsync(batch);
        }

        Assert.Empty(await rig.AlertsAsync());

        await rig.IngestAsync(live);
        foreach (var batch in backlog.Take(40))
        {
            await rig.IngestAsync(batch);
        }

        await rig.IngestAsync(live);
        var alert = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Summary, alert.Kind);
        var summarized = alert.Incidents.Select(i => i.Incident).ToList();
        Assert.Equal(summarized.Count, summarized.DistinctBy(i => i.Id).Count());
        Assert.DoesNotContain(summarized, i => i.TargetName == "dns 1/primary#?");
        var uplink = Assert.Single(alert.Incidents, i => i.Incident.TargetName == "gw");
        Assert.Equal(["dns 1/primary#?"], uplink.GroupedTargets);
        Assert.Contains(summarized, i => i.Type == IncidentType.Latency);
        Assert.Contains(summarized, i => i.Type == IncidentType.Loss);
        var stored = await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1));
        Assert.Equal(stored.Where(i => i.GroupedUnderIncidentId is null).Select(i => i.Id).Order(), summarized.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task A_backlog_that_never_catches_up_is_summarized_by_the_watchdog()
    {
        var backlog = IngestionTests.Outages().Batches(60);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(5));
        foreach (var batch in backlog)
        {
            await rig.IngestAsync(batch);
        }

        // Its batches arrived just now, however old their rounds: the probe is not silent, and the summary not due yet.
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());

        rig.Time.Advance(TimeSpan.FromMinutes(2));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        await rig.Watchdog.RunAsync(CancellationToken.None);

        var summary = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Summary, summary.Kind);
        Assert.Equal("gw", Assert.Single(summary.Incidents).Incident.TargetName);
    }
}
