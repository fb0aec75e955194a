using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Incidents;

public sealed class WatchdogTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 23, 50, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_probe_that_goes_quiet_gets_one_silent_incident_resolved_when_batches_flow_again()
    {
        var scenario = new Scenario("home-1", Start).Target("gw", Scenario.Healthy, uplink: true);
        var batches = scenario.Batches(120);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);

        // Quiet from 00:00 (a new UTC day, so the newest batch is found in yesterday's partition) until 00:09:50.
        foreach (var batch in batches.Take(60))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        rig.Time.Advance(TimeSpan.FromMinutes(4));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());

        rig.Time.Advance(TimeSpan.FromMinutes(2));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var opened = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Opened, opened.Kind);
        var silent = Assert.Single(opened.Incidents).Incident;
        Assert.Equal(IncidentType.ProbeSilent, silent.Type);
        Assert.Equal(Start.AddMinutes(10).AddSeconds(-1), silent.Start);
        Assert.Equal(silent.Id, Assert.Single(await rig.Incidents.GetOpenIncidentsAsync()).Id);

        foreach (var batch in batches.Skip(60))
        {
            await rig.IngestAsync(batch);
        }

        rig.Time.SetUtcNow(batches[^1].WindowStart.AddSeconds(12));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var resolved = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Resolved, resolved.Kind);
        Assert.Equal(silent.Id, resolved.Incidents[0].Incident.Id);
        Assert.Empty(await rig.Incidents.GetOpenIncidentsAsync());
        Assert.Equal(silent.Id, Assert.Single(await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1))).Id);
    }

    [Fact]
    public async Task A_probe_whose_batches_cannot_be_read_fails_the_run_after_the_other_probe_is_watched()
    {
        var good = new Scenario("good-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(6);
        var bad = new Scenario("bad-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(6);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await rig.IngestBesideAnUnreadableProbeAsync(good, bad);
        rig.Time.Advance(TimeSpan.FromMinutes(10));

        var error = await Assert.ThrowsAsync<AggregateException>(() => rig.Watchdog.RunAsync(CancellationToken.None));

        Assert.Contains("bad-1", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(Assert.Single(error.InnerExceptions));
        var opened = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Opened, opened.Kind);
        Assert.Equal("good-1", Assert.Single(opened.Incidents).Incident.ProbeId);
    }
}
