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

    /// <summary>
    /// The "7 days ago" report: a probe whose rounds are all older than the days searched every run was called silent
    /// since the start of those days. It is silent since its last round.
    /// </summary>
    [Fact]
    public async Task A_probe_whose_rounds_are_all_older_than_the_lookback_is_silent_from_its_last_round()
    {
        var now = Start.AddDays(20);
        var batches = new Scenario("old-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(6);
        using var rig = IngestionRig.Create(azurite.ConnectionString, now);
        foreach (var batch in batches)
        {
            await rig.IngestAsync(batch);
        }

        rig.Time.Advance(TimeSpan.FromMinutes(6));
        await rig.Watchdog.RunAsync(CancellationToken.None);

        var opened = Assert.Single(await rig.AlertsAsync());
        var silent = Assert.Single(opened.Incidents).Incident;
        Assert.Equal(IncidentType.ProbeSilent, silent.Type);
        Assert.Equal(Start.AddMinutes(1).AddSeconds(-1), silent.Start);
        Assert.Equal(Math.Round((rig.Time.GetUtcNow() - silent.Start).TotalMinutes, 1), silent.PeakValue);
    }

    /// <summary>
    /// After an outage of the backend the probe's batches wait on the queue; the watchdog runs before ingestion has
    /// caught up, then while the backlog arrives: no silent incident, though the newest round stored is 11 minutes old.
    /// </summary>
    [Fact]
    public async Task A_backlog_on_the_queue_after_a_backend_outage_is_no_silent_probe()
    {
        var batches = new Scenario("home-2", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(80);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        foreach (var batch in batches.Take(12))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        // The backend is out for 11 minutes; the probe keeps enqueueing.
        await rig.BatchQueue.CreateIfNotExistsAsync();
        foreach (var batch in batches.Skip(12).Take(66))
        {
            await rig.BatchQueue.SendMessageAsync(await rig.Probes.SignAsync(batch));
        }

        rig.Time.SetUtcNow(batches[77].WindowStart.AddSeconds(12));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());

        // Back: ingestion drains the queue oldest first, a few batches a second, the watchdog running meanwhile.
        for (var drained = 0; ; drained++)
        {
            var message = (await rig.BatchQueue.ReceiveMessageAsync()).Value;
            if (message is null)
            {
                break;
            }

            rig.Time.Advance(TimeSpan.FromSeconds(1));
            await rig.Handler.HandleAsync(message.Body, message.MessageId, message.DequeueCount, CancellationToken.None);
            await rig.BatchQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            if (drained % 20 == 0)
            {
                await rig.Watchdog.RunAsync(CancellationToken.None);
            }
        }

        await rig.IngestAsync(batches[78]);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());
        Assert.Empty(await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1)));
    }

    /// <summary>
    /// Storage was out, so the probe spooled and the watchdog could not run; back, the probe uploads its backlog oldest
    /// first while the watchdog runs again: arriving, the probe is heard, though its newest round stored is 11 minutes old.
    /// </summary>
    [Fact]
    public async Task A_spooled_backlog_arriving_keeps_the_probe_heard_though_its_rounds_are_old()
    {
        var batches = new Scenario("home-3", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(80);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        foreach (var batch in batches.Take(6))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
            await rig.Watchdog.RunAsync(CancellationToken.None);
        }

        rig.Time.Advance(TimeSpan.FromMinutes(11));
        foreach (var batch in batches.Skip(6))
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1.5));
            await rig.IngestAsync(batch);
            await rig.Watchdog.RunAsync(CancellationToken.None);
        }

        Assert.Empty(await rig.AlertsAsync());
    }

    /// <summary>
    /// Messages on the batch queue may be the probe's own, so they hold the silent incident back; once the queue is empty
    /// a probe that really stopped is silent, from its last round.
    /// </summary>
    [Fact]
    public async Task A_waiting_queue_holds_the_silent_incident_back_until_it_is_empty()
    {
        var batches = new Scenario("home-4", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(12);
        var other = new Scenario("office-4", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(1);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        await rig.BatchQueue.CreateIfNotExistsAsync();
        var waiting = (await rig.BatchQueue.SendMessageAsync(await rig.Probes.SignAsync(other[0]))).Value;
        rig.Time.Advance(TimeSpan.FromMinutes(7));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());

        await rig.BatchQueue.DeleteMessageAsync(waiting.MessageId, waiting.PopReceipt);
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var opened = Assert.Single(await rig.AlertsAsync());
        var silent = Assert.Single(opened.Incidents).Incident;
        Assert.Equal("home-4", silent.ProbeId);
        Assert.Equal(Start.AddMinutes(2).AddSeconds(-1), silent.Start);
        Assert.Equal(8.0, silent.PeakValue);
    }

    /// <summary>
    /// A probe taken off line in its maintenance window (a reboot, a move) is recorded as silent, flagged with the window
    /// and not announced; still silent once the window is over, the silence is news and is announced, then its end.
    /// </summary>
    [Fact]
    public async Task A_probe_silent_in_its_maintenance_window_is_flagged_and_announced_only_once_the_window_is_over()
    {
        var batches = new Scenario("maint-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(12);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await rig.Get<MaintenanceStore>().AddAsync(Window("reboot", new MaintenanceScope("maint-1"), Start.AddMinutes(1), Start.AddMinutes(20)), CancellationToken.None);
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        rig.Time.SetUtcNow(Start.AddMinutes(9));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        rig.Time.SetUtcNow(Start.AddMinutes(19));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.Empty(await rig.AlertsAsync());
        var muted = Assert.Single(await rig.Incidents.GetOpenIncidentsAsync());
        Assert.Equal((IncidentType.ProbeSilent, "reboot"), (muted.Type, muted.MaintenanceWindowId));

        rig.Time.SetUtcNow(Start.AddMinutes(21));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var opened = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Opened, opened.Kind);
        Assert.Equal(muted.Id, Assert.Single(opened.Incidents).Incident.Id);

        await rig.IngestAsync(new Scenario("maint-1", Start.AddMinutes(21)).Target("gw", Scenario.Healthy, uplink: true).Batches(1)[0]);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var resolved = Assert.Single(await rig.AlertsAsync());
        Assert.Equal((AlertKind.Resolved, muted.Id), (resolved.Kind, resolved.Incidents[0].Incident.Id));
    }

    /// <summary>A window "for a probe" mutes that probe only; and one back within its window is no news at all, its incident kept as planned.</summary>
    [Fact]
    public async Task A_probe_back_within_its_window_gets_no_alert_while_another_probe_silent_meanwhile_does()
    {
        var batches = new Scenario("maint-2", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(12);
        var other = new Scenario("office-2", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(12);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await rig.Get<MaintenanceStore>().AddAsync(Window("move", new MaintenanceScope("maint-2"), Start, Start.AddMinutes(30)), CancellationToken.None);
        foreach (var (batch, second) in batches.Zip(other))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
            await rig.IngestAsync(second);
        }

        rig.Time.SetUtcNow(Start.AddMinutes(9));
        await rig.Watchdog.RunAsync(CancellationToken.None);
        var opened = Assert.Single(await rig.AlertsAsync());
        Assert.Equal("office-2", Assert.Single(opened.Incidents).Incident.ProbeId);

        rig.Time.SetUtcNow(Start.AddMinutes(15));
        await rig.IngestAsync(new Scenario("maint-2", Start.AddMinutes(15)).Target("gw", Scenario.Healthy, uplink: true).Batches(1)[0]);
        await rig.Watchdog.RunAsync(CancellationToken.None);
        Assert.All(await rig.AlertsAsync(), a => Assert.Equal("office-2", Assert.Single(a.Incidents).Incident.ProbeId));
        var planned = Assert.Single(await rig.Incidents.GetIncidentsAsync(Start, Start.AddHours(1)), i => i.ProbeId == "maint-2");
        Assert.Equal((IncidentType.ProbeSilent, "move"), (planned.Type, planned.MaintenanceWindowId));
        Assert.False(planned.IsOpen);
    }

    /// <summary>
    /// Run every minute, the watchdog reads the probe list only when some probe in it may need it, not every run; a run
    /// after a gap (other instances may have run the ticks between) reads it again; and a probe that goes quiet is still
    /// called silent at the first run past <c>SilentAfter</c>, and heard again at the first run after it is back.
    /// </summary>
    [Fact]
    public async Task A_calm_probe_costs_a_list_read_every_few_runs_and_is_still_called_silent_on_time()
    {
        var batches = new Scenario("calm-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(120);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        int ListReads() => rig.Counter.Queries.Count(q => q.Path.Contains("targets", StringComparison.Ordinal) && q.Filter.StartsWith("RowKey ge", StringComparison.Ordinal));

        async Task RunAtAsync(DateTimeOffset at)
        {
            rig.Time.SetUtcNow(at);
            await rig.Watchdog.RunAsync(CancellationToken.None);
        }

        // 12 calm minutes, a batch every 10 s, the watchdog at every minute.
        rig.Counter.Reset();
        foreach (var batch in batches.Take(72))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
            if (batch.WindowStart.Second == 50)
            {
                await RunAtAsync(batch.WindowStart.AddSeconds(15));
            }
        }

        var calmReads = ListReads();
        Assert.InRange(calmReads, 2, 5);
        Assert.Empty(await rig.AlertsAsync());

        // A gap of three minutes: the list is read again at once.
        await RunAtAsync(Start.AddMinutes(15).AddSeconds(5));
        Assert.Equal(calmReads + 1, ListReads());

        // Quiet since 00:01:59 (the last round): silent at the first run more than 5 minutes after the last batch arrived (00:02:02).
        await RunAtAsync(Start.AddMinutes(16).AddSeconds(5));
        Assert.Empty(await rig.AlertsAsync());
        await RunAtAsync(Start.AddMinutes(17).AddSeconds(5));
        var opened = Assert.Single(await rig.AlertsAsync());
        Assert.Equal((AlertKind.Opened, IncidentType.ProbeSilent), (opened.Kind, Assert.Single(opened.Incidents).Incident.Type));

        // Back (its spooled batch arrives): the next run, a minute later, resolves it.
        rig.Time.SetUtcNow(Start.AddMinutes(17).AddSeconds(30));
        await rig.IngestAsync(batches[72]);
        await RunAtAsync(Start.AddMinutes(18).AddSeconds(5));
        var resolved = Assert.Single(await rig.AlertsAsync());
        Assert.Equal(AlertKind.Resolved, resolved.Kind);
    }

    /// <summary>
    /// Three probes heard at different times: between whole-list reads (one per <c>SilentAfter</c>) a run reads only
    /// the rows of the probes that may need a look, so the one that goes quiet is called silent on time and the others
    /// are not, and a probe registered meanwhile is watched from the next whole-list read.
    /// </summary>
    [Fact]
    public async Task Probes_heard_at_different_times_are_watched_by_their_rows_between_list_reads()
    {
        var probes = FleetIds
            .Select((id, i) => new Scenario(id, Start.AddSeconds(20 * i)).Target("gw", Scenario.Healthy, uplink: true).Batches(60))
            .ToList();
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        int ListReads() => rig.Counter.Queries.Count(q => q.Path.Contains("targets", StringComparison.Ordinal) && q.Filter.StartsWith("RowKey ge", StringComparison.Ordinal));
        rig.Counter.Reset();

        // Ten minutes, the watchdog at every minute (at :30), each batch arriving 12 s after its window starts;
        // fleet-c's last batch is the one of 23:53:50.
        var arrivals = probes.SelectMany(p => p)
            .Where(b => b.ProbeId != "fleet-c" || b.WindowStart < Start.AddMinutes(4))
            .OrderBy(b => b.WindowStart)
            .ToList();
        var nextRun = Start.AddMinutes(1).AddSeconds(30);
        var lastRun = Start.AddMinutes(10).AddSeconds(30);
        var raised = new List<(DateTimeOffset Run, AlertMessage Alert)>();
        foreach (var batch in arrivals)
        {
            var arrival = batch.WindowStart.AddSeconds(12);
            for (; nextRun <= arrival && nextRun <= lastRun; nextRun = nextRun.AddMinutes(1))
            {
                rig.Time.SetUtcNow(nextRun);
                await rig.Watchdog.RunAsync(CancellationToken.None);
                raised.AddRange((await rig.AlertsAsync()).Select(a => (nextRun, a)));
            }

            if (arrival > lastRun)
            {
                break;
            }

            rig.Time.SetUtcNow(arrival);
            await rig.IngestAsync(batch);
        }

        Assert.InRange(ListReads(), 2, 3);
        var (run, opened) = Assert.Single(raised);
        var silent = Assert.Single(opened.Incidents).Incident;
        Assert.Equal((AlertKind.Opened, "fleet-c", IncidentType.ProbeSilent), (opened.Kind, silent.ProbeId, silent.Type));
        // Its last batch (rounds to 23:53:59) arrived at 23:54:02: the first run more than 5 minutes after that is 23:59:30.
        Assert.Equal(Start.AddMinutes(9).AddSeconds(30), run);
    }

    private static readonly string[] FleetIds = ["fleet-a", "fleet-b", "fleet-c"];

    private static MaintenanceWindow Window(string id, MaintenanceScope scope, DateTimeOffset start, DateTimeOffset end) =>
        new() { Id = id, Scope = scope, Start = start, End = end, CreatedBy = "Ana", CreatedAt = Start };
}
