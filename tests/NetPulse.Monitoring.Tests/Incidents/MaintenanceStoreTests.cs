using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Incidents;

/// <summary>The maintenance and acknowledgement tables on Azurite, and ingestion muting what begins in a window.</summary>
public sealed class MaintenanceStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_window_is_stored_listed_and_deleted()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var store = rig.Get<MaintenanceStore>();
        var window = Recurring("w1");

        await store.AddAsync(window, CancellationToken.None);
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));

        Assert.Equal(window, listed);
        Assert.True(await store.DeleteAsync("w1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("w1", CancellationToken.None));
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Another_instance_sees_a_new_window_once_its_cache_expires_and_reads_no_more_often()
    {
        using var api = IngestionRig.Create(azurite.ConnectionString, Start);
        using var ingestion = IngestionRig.Create(azurite.ConnectionString, Start, prefix: api.Prefix);
        var cached = ingestion.Get<MaintenanceStore>();
        Assert.Empty(await cached.CurrentAsync(CancellationToken.None));

        await api.Get<MaintenanceStore>().AddAsync(Recurring("w1"), CancellationToken.None);
        ingestion.Counter.Reset();
        ingestion.Time.Advance(TimeSpan.FromSeconds(59));
        var before = await cached.CurrentAsync(CancellationToken.None);
        ingestion.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await cached.CurrentAsync(CancellationToken.None);
        var again = await cached.CurrentAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Equal("w1", Assert.Single(after).Id);
        Assert.Same(after, again);
        Assert.Equal(1, ingestion.Counter.TableReads);
    }

    [Fact]
    public async Task An_outage_inside_a_window_is_recorded_flagged_and_not_announced()
    {
        var batches = new Scenario("home-1", Start)
            .Target("gw", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s))
            .Target("nas", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s))
            .Batches(24);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await rig.Get<MaintenanceStore>().AddAsync(
            OneOff("fw", new MaintenanceScope("home-1", "gw"), Start.AddSeconds(60), Start.AddMinutes(10)), CancellationToken.None);

        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        var alerts = await rig.AlertsAsync();
        Assert.Equal([AlertKind.Opened, AlertKind.Resolved], alerts.Select(a => a.Kind));
        Assert.All(alerts, a => Assert.Equal("nas", Assert.Single(a.Incidents).Incident.TargetName));
        var incidents = await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1));
        Assert.Equal("fw", Assert.Single(incidents, i => i.TargetName == "gw").MaintenanceWindowId);
        Assert.Null(Assert.Single(incidents, i => i.TargetName == "nas").MaintenanceWindowId);
    }

    [Fact]
    public async Task A_past_incident_is_marked_and_unmarked_afterwards_but_an_open_one_is_not()
    {
        var batches = new Scenario("home-1", Start)
            .Target("gw", s => s is >= 100 and < 160 || s >= 200 ? Scenario.Timeout : Scenario.Healthy(s))
            .Batches(24);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        var incidents = await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1));
        var past = Assert.Single(incidents, i => !i.IsOpen);
        var open = Assert.Single(incidents, i => i.IsOpen);
        var marks = rig.Get<IncidentMaintenanceMarks>();

        var marked = await marks.MarkAsync(past.Id, maintenance: true, CancellationToken.None);
        var read = await rig.Incidents.GetIncidentAsync(past.Id);
        var unmarked = await marks.MarkAsync(past.Id, maintenance: false, CancellationToken.None);
        var stillOpen = await marks.MarkAsync(open.Id, maintenance: true, CancellationToken.None);
        var unknown = await marks.MarkAsync("20260302T100000-D-0000000000000000", maintenance: true, CancellationToken.None);

        Assert.Equal((MaintenanceMarkOutcome.Done, MaintenanceWindow.MarkedAfterwards), (marked.Outcome, marked.Incident!.MaintenanceWindowId));
        Assert.Equal(MaintenanceWindow.MarkedAfterwards, read!.MaintenanceWindowId);
        Assert.Null(unmarked.Incident!.MaintenanceWindowId);
        Assert.Null((await rig.Incidents.GetIncidentAsync(past.Id))!.MaintenanceWindowId);
        Assert.Equal(MaintenanceMarkOutcome.StillOpen, stillOpen.Outcome);
        Assert.Equal(MaintenanceMarkOutcome.NotFound, unknown.Outcome);
    }

    [Fact]
    public async Task The_first_acknowledgement_stands_and_is_found_by_incident_and_by_month()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        var store = rig.Get<IncidentAcknowledgementStore>();
        var incidentId = IncidentIds.Create("home-1", "gw", IncidentType.Down, Start);
        var first = new IncidentAcknowledgement("home-1", incidentId, "Ana", Start.AddMinutes(3), "on it");

        var recorded = await store.AcknowledgeAsync(first, CancellationToken.None);
        var second = await store.AcknowledgeAsync(first with { By = "link", At = Start.AddMinutes(9), Note = null }, CancellationToken.None);
        IIncidentAcknowledgements reader = rig.Get<IIncidentAcknowledgements>();

        Assert.Equal(first, recorded);
        Assert.Equal(first, second);
        Assert.Equal(first, await reader.GetAsync("home-1", incidentId, CancellationToken.None));
        Assert.Null(await reader.GetAsync("office", incidentId, CancellationToken.None));
        Assert.Null(await reader.GetAsync("home-1", IncidentIds.Create("home-1", "nas", IncidentType.Down, Start), CancellationToken.None));
        Assert.Equal(first, (await store.ReadAsync(Start, Start, CancellationToken.None))[incidentId]);
        Assert.Empty(await store.ReadAsync(Start.AddMonths(-2), Start.AddMonths(-1), CancellationToken.None));
    }

    private static MaintenanceWindow Recurring(string id) => new()
    {
        Id = id,
        Scope = new MaintenanceScope(Category: "servers"),
        Cron = "30 2 * * SUN",
        TimeZone = "Europe/Berlin",
        Duration = TimeSpan.FromHours(2),
        Reason = "backups",
        CreatedBy = "Ana",
        CreatedAt = Start,
    };

    private static MaintenanceWindow OneOff(string id, MaintenanceScope scope, DateTimeOffset start, DateTimeOffset end) => new()
    {
        Id = id,
        Scope = scope,
        Start = start,
        End = end,
        CreatedBy = "Ana",
        CreatedAt = Start,
    };
}
