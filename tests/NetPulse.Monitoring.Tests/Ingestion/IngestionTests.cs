using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Ingestion;

public sealed class IngestionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_steady_batch_of_100_targets_costs_one_table_write()
    {
        var scenario = new Scenario("home-1", Start);
        for (var t = 0; t < 100; t++)
        {
            scenario.Target($"host-{t:D3}", Scenario.Healthy);
        }

        var batches = scenario.Batches(20);

        // The probe's key is read once per KeyCacheDuration, the maintenance windows once per Maintenance:CacheDuration;
        // at the longest the whole run reads them only with the first batch.
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start, new Dictionary<string, string?>
        {
            ["NetPulse:Probes:KeyCacheDuration"] = "00:10:00",
            ["NetPulse:Maintenance:CacheDuration"] = "00:10:00",
        });
        var writes = new List<int>();
        var reads = new List<int>();
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            rig.Counter.Reset();
            await rig.IngestAsync(batch);
            writes.Add(rig.Counter.TableWrites);
            reads.Add(rig.Counter.TableReads);
        }

        output.WriteLine($"table writes per batch: {string.Join(' ', writes)}");
        output.WriteLine($"table reads per batch:  {string.Join(' ', reads)}");

        // The first batch also writes the new catalogue (100 targets and the probe's row, two transactions) and the
        // day's target names. Each later one reads the probe's row (is this instance's copy current?) and its rounds.
        Assert.Equal(4, writes[0]);
        Assert.All(writes.Skip(1), w => Assert.Equal(1, w));
        Assert.All(reads.Skip(1), r => Assert.Equal(2, r));
        Assert.Equal(0, rig.Counter.QueuePuts);
    }

    [Fact]
    public async Task Calm_batches_read_no_maintenance_window_and_an_incident_still_finds_its_window()
    {
        // gw times out from second 60 on: six calm batches, then an outage inside a window over gw.
        var scenario = new Scenario("home-1", Start)
            .Target("gw", s => s < 60 ? Scenario.Healthy(s) : Scenario.Timeout)
            .Target("dns", Scenario.Healthy);
        var batches = scenario.Batches(12);

        // No caching of the windows: with the read per batch of before, every batch would read them.
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start, new Dictionary<string, string?> { ["NetPulse:Maintenance:CacheDuration"] = "00:00:00" });
        await rig.Get<MaintenanceStore>().AddAsync(
            new MaintenanceWindow
            {
                Id = "w-gw",
                Scope = new MaintenanceScope("home-1", "gw"),
                Start = Start.AddSeconds(30),
                End = Start.AddHours(1),
                Reason = "router swap",
                CreatedBy = "test",
                CreatedAt = Start,
            },
            CancellationToken.None);

        var maintenanceReads = new List<int>();
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            rig.Counter.Reset();
            await rig.IngestAsync(batch);
            maintenanceReads.Add(rig.Counter.Requests.Count(r => r.Method == "GET" && r.Path.Contains("maintenance", StringComparison.Ordinal)));
        }

        output.WriteLine($"maintenance reads per batch: {string.Join(' ', maintenanceReads)}");
        Assert.All(maintenanceReads.Take(6), r => Assert.Equal(0, r));
        Assert.Contains(maintenanceReads.Skip(6), r => r > 0);

        // The outage was muted by the window: read when the incident needed it, not with every batch.
        var down = Assert.Single(await rig.Incidents.GetOpenIncidentsAsync("home-1"));
        Assert.Equal("gw", down.TargetName);
        Assert.Equal("w-gw", down.MaintenanceWindowId);
        Assert.Empty(await rig.AlertsAsync());
    }

    [Fact]
    public async Task A_malformed_message_throws_naming_the_problem_and_stores_nothing()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);

        // Signed by a registered probe: what is wrong is the batch, not who sent it.
        var probe = await rig.Probes.GetAsync("home-1");
        var notJson = await Assert.ThrowsAsync<InvalidPingBatchException>(
            () => rig.Handler.HandleAsync(BinaryData.FromBytes(probe.Sign("{\"version\":1,"u8)), "m-1", 5, CancellationToken.None));
        var badTarget = await Assert.ThrowsAsync<InvalidPingBatchException>(
            () => rig.Handler.HandleAsync(
                BinaryData.FromBytes(probe.Sign("{\"version\":1,\"probeId\":\"home-1\",\"sequence\":1,\"windowStart\":\"2026-03-02T10:00:00Z\",\"targets\":[{\"name\":\"gw\",\"host\":\"10.0.0.1\",\"intervalMs\":1000,\"samples\":[[0,1],[500,2]]}]}"u8)),
                "m-2", 1, CancellationToken.None));

        Assert.Contains("not valid JSON", notJson.Message, StringComparison.Ordinal);
        Assert.Contains("samples[1]", badTarget.Message, StringComparison.Ordinal);
        Assert.Contains("less than 1000 ms", badTarget.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Counter.TableWrites);
    }

    [Fact]
    public async Task Replayed_and_shuffled_batches_leave_the_same_tables_as_one_in_order_delivery()
    {
        var batches = Outages().Batches(150);
        var afterwards = Start.AddHours(3);
        var seed = TestSeed.Choose(output);
        var random = new Random(seed);

        using var inOrder = IngestionRig.Create(azurite.ConnectionString, afterwards);
        await DeliverAsync(inOrder, Deliveries.InOrder(batches));
        await inOrder.Compaction.RunAsync(CancellationToken.None);
        var expected = await inOrder.DumpEveryTableAsync();
        var expectedAlerts = await AlertsAsync(inOrder);

        // The reference run must have filled every monitoring table, or equal dumps would prove nothing; a table
        // the library adds under the prefix is in the dumps and compared too.
        AssertFilled(inOrder, expected);
        output.WriteLine($"in order: {string.Join(", ", expected.Select(t => $"{t.Value.Count} {t.Key}"))}; {expectedAlerts.Count} alert(s) queued");
        var incidents = expected["incidents"];
        output.WriteLine(string.Join(Environment.NewLine, incidents));
        Assert.Contains(incidents, i => i.Contains("Type=Down", StringComparison.Ordinal) && i.Contains("TargetName=gw", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("Type=Latency", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("Type=Loss", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("GroupedUnderIncidentId=", StringComparison.Ordinal));

        // Every message redelivered, shuffled, after compaction: late batches for compacted hours.
        await DeliverAsync(inOrder, Deliveries.AllAgainShuffled(batches, random));
        await inOrder.Compaction.RunAsync(CancellationToken.None);
        TableAssert.Same(expected, await inOrder.DumpEveryTableAsync(), $"every batch delivered again after compaction (seed {seed})");
        Assert.Empty(await AlertsAsync(inOrder)); // reading hides what was read: these would be new alerts

        // First deliveries shuffled, a third of them redelivered later with the same message id, and the
        // compaction timer firing halfway through.
        var deliveries = Deliveries.ShuffledWithRedeliveries(batches, random);
        output.WriteLine($"{deliveries.Count} deliveries: {string.Join(' ', deliveries)}");
        Assert.Contains(deliveries, d => d.DequeueCount > 1);
        using var shuffled = IngestionRig.Create(azurite.ConnectionString, afterwards);
        await DeliverAsync(shuffled, deliveries.Take(deliveries.Count / 2));
        await shuffled.Compaction.RunAsync(CancellationToken.None);
        await DeliverAsync(shuffled, deliveries.Skip(deliveries.Count / 2));
        await shuffled.Compaction.RunAsync(CancellationToken.None);

        TableAssert.Same(expected, await shuffled.DumpEveryTableAsync(), $"shuffled deliveries with redeliveries (seed {seed})");
        Assert.Equal(expectedAlerts, await AlertsAsync(shuffled));
    }

    [Fact]
    public async Task Batches_of_one_probe_handled_at_once_leave_the_same_tables_as_one_by_one()
    {
        var batches = Outages().Batches(60);
        using var oneByOne = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(3));
        await DeliverAsync(oneByOne, Deliveries.InOrder(batches));
        await oneByOne.Compaction.RunAsync(CancellationToken.None);
        var expected = await oneByOne.DumpEveryTableAsync();
        AssertFilled(oneByOne, expected);

        using var atOnce = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(3));
        foreach (var chunk in Deliveries.InOrder(batches).Chunk(16))
        {
            // As the queue trigger does: up to 16 messages in flight, completing in any order.
            await Task.WhenAll(chunk.Reverse().Select(d => Task.Run(() => atOnce.IngestAsync(d.Batch, d.MessageId, d.DequeueCount))));
        }

        await atOnce.Compaction.RunAsync(CancellationToken.None);
        TableAssert.Same(expected, await atOnce.DumpEveryTableAsync(), "16 batches at a time");
    }

    [Fact]
    public void The_seed_alone_decides_the_deliveries()
    {
        var batches = Outages().Batches(150);

        var first = Deliveries.ShuffledWithRedeliveries(batches, new Random(20260302));
        var again = Deliveries.ShuffledWithRedeliveries(batches, new Random(20260302));
        var other = Deliveries.ShuffledWithRedeliveries(batches, new Random(20260303));

        Assert.Equal(first.Select(d => d.ToString()), again.Select(d => d.ToString()));
        Assert.NotEqual(first.Select(d => d.ToString()), other.Select(d => d.ToString()));
        Assert.NotEqual(Deliveries.InOrder(batches).Select(d => d.ToString()), first.Where(d => d.DequeueCount == 1).Select(d => d.ToString()));

        // Every batch is delivered first with dequeue count 1; a redelivery keeps the message id, counts up, and comes later.
        Assert.Equal(batches.Count, first.Count(d => d.DequeueCount == 1));
        Assert.InRange(first.Count - batches.Count, batches.Count / 6, batches.Count);
        foreach (var message in first.GroupBy(d => d.MessageId))
        {
            Assert.Equal(Enumerable.Range(1, message.Count()).Select(c => (long)c), message.Select(d => d.DequeueCount));
            Assert.Single(message.Select(d => d.Batch.Sequence).Distinct());
        }
    }

    private static void AssertFilled(IngestionRig rig, SortedDictionary<string, List<string>> dump)
    {
        // Managed targets are written by the API only, paths only by batches that carry snapshots (this run's do not);
        // every other table has rows after ingestion.
        foreach (var table in rig.Tables.All.Where(t => t != rig.Tables.ManagedTargets && t != rig.Tables.Paths).Select(t => t.Name[rig.Prefix.Length..]))
        {
            Assert.True(dump.TryGetValue(table, out var lines) && lines.Count > 0, $"table {table} is missing or empty after the reference run");
        }
    }

    private static async Task DeliverAsync(IngestionRig rig, IEnumerable<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            await rig.IngestAsync(delivery.Batch, delivery.MessageId, delivery.DequeueCount);
        }
    }

    /// <summary>The alerts ingestion queued, as kind and incident ids (each message's own id and time left out).</summary>
    private static async Task<List<string>> AlertsAsync(IngestionRig rig) =>
        [.. (await rig.AlertsAsync()).Select(a => $"{a.Kind}: {string.Join(", ", a.Incidents.Select(i => i.Incident.Id).Order(StringComparer.Ordinal))}")];

    /// <summary>
    /// 25 minutes of a probe with an uplink outage, a slow server, a lossy one and a flapping one (15 s down, 15 s up: runs
    /// long enough to be down on a line that just lost rounds; shorter ones would be loss).
    /// </summary>
    internal static Scenario Outages() => new Scenario("home-1", Start)
        .Target("gw", s => s is >= 300 and < 420 ? Scenario.Timeout : Scenario.Healthy(s), uplink: true)
        .Target("dns 1/primary#?", s => s is >= 301 and < 420 ? Scenario.Timeout : Scenario.Healthy(s))
        .Target("slow", s => s is >= 600 and < 900 ? 300_000 + s : Scenario.Healthy(s), latencyThresholdMs: 100)
        .Target("lossy", s => s is >= 1000 and < 1200 && s % 6 == 0 ? Scenario.Timeout : Scenario.Healthy(s))
        .Target("flappy", s => s is >= 1300 and < 1400 && s % 30 < 15 ? Scenario.Timeout : Scenario.Healthy(s));
}
