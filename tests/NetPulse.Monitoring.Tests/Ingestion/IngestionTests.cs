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
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
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

        // The first batch also writes the new catalogue: 100 targets and the probe's row, two transactions.
        Assert.Equal(3, writes[0]);
        Assert.All(writes.Skip(1), w => Assert.Equal(1, w));
        Assert.All(reads.Skip(1), r => Assert.Equal(1, r));
        Assert.Equal(0, rig.Counter.QueuePuts);
    }

    [Fact]
    public async Task A_malformed_message_throws_naming_the_problem_and_stores_nothing()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);

        var notJson = await Assert.ThrowsAsync<InvalidPingBatchException>(
            () => rig.Handler.HandleAsync(BinaryData.FromString("{\"version\":1,"), "m-1", 5, CancellationToken.None));
        var badTarget = await Assert.ThrowsAsync<InvalidPingBatchException>(
            () => rig.Handler.HandleAsync(
                "{\"version\":1,\"probeId\":\"home-1\",\"sequence\":1,\"windowStart\":\"2026-03-02T10:00:00Z\",\"targets\":[{\"name\":\"gw\",\"host\":\"10.0.0.1\",\"intervalMs\":1000,\"samples\":[[0,1],[500,2]]}]}",
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

        using var inOrder = IngestionRig.Create(azurite.ConnectionString, afterwards);
        foreach (var batch in batches)
        {
            await inOrder.IngestAsync(batch);
        }

        var expected = await inOrder.DumpAsync("batches", "targets", "incidents");
        var incidents = expected["incidents"];
        output.WriteLine(string.Join(Environment.NewLine, incidents));
        Assert.Contains(incidents, i => i.Contains("Type=Down", StringComparison.Ordinal) && i.Contains("TargetName=gw", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("Type=Latency", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("Type=Loss", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("GroupedUnderIncidentId=", StringComparison.Ordinal));

        foreach (var batch in batches.OrderBy(_ => Random.Shared.Next()))
        {
            await inOrder.IngestAsync(batch);
        }

        Assert.Equal(expected, await inOrder.DumpAsync("batches", "targets", "incidents"));

        using var shuffled = IngestionRig.Create(azurite.ConnectionString, afterwards);
        var seed = Random.Shared.Next();
        output.WriteLine($"shuffle seed {seed}");
        foreach (var batch in batches.OrderBy(_ => new Random(seed).Next()).ToList().OrderBy(_ => Random.Shared.Next()))
        {
            await shuffled.IngestAsync(batch);
        }

        Assert.Equal(expected, await shuffled.DumpAsync("batches", "targets", "incidents"));
    }

    [Fact]
    public async Task Batches_of_one_probe_handled_at_once_leave_the_same_tables_as_one_by_one()
    {
        var batches = Outages().Batches(60);
        using var oneByOne = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(3));
        foreach (var batch in batches)
        {
            await oneByOne.IngestAsync(batch);
        }

        using var atOnce = IngestionRig.Create(azurite.ConnectionString, Start.AddHours(3));
        foreach (var chunk in batches.Chunk(16))
        {
            // As the queue trigger does: up to 16 messages in flight, completing in any order.
            await Task.WhenAll(chunk.Reverse().Select(b => Task.Run(() => atOnce.IngestAsync(b))));
        }

        Assert.Equal(await oneByOne.DumpAsync("batches", "targets", "incidents"), await atOnce.DumpAsync("batches", "targets", "incidents"));
    }

    /// <summary>25 minutes of a probe with an uplink outage, a slow server, a lossy one and a flapping one.</summary>
    internal static Scenario Outages() => new Scenario("home-1", Start)
        .Target("gw", s => s is >= 300 and < 420 ? Scenario.Timeout : Scenario.Healthy(s), uplink: true)
        .Target("dns 1/primary#?", s => s is >= 301 and < 420 ? Scenario.Timeout : Scenario.Healthy(s))
        .Target("slow", s => s is >= 600 and < 900 ? 300_000 + s : Scenario.Healthy(s), latencyThresholdMs: 100)
        .Target("lossy", s => s is >= 1000 and < 1200 && s % 6 == 0 ? Scenario.Timeout : Scenario.Healthy(s))
        .Target("flappy", s => s is >= 1300 and < 1400 && s % 5 < 3 ? Scenario.Timeout : Scenario.Healthy(s));
}
