using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Rollups;

public sealed class CompactionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>70 minutes: hour 10 whole, hour 11 partly.</summary>
    private static readonly DateTimeOffset Now = Start.AddMinutes(70).AddSeconds(12);

    private static Scenario Probe() => new Scenario("home-1", Start)
        .Target("gw", s => s % 97 == 0 ? Scenario.Timeout : Scenario.Healthy(s), uplink: true)
        .Target("web/1 #?", s => 20_000 + s % 50 * 1000)
        .Target("nas", s => s is >= 1800 and < 1900 ? Scenario.Timeout : Scenario.Healthy(s));

    [Fact]
    public async Task Readers_give_the_same_rounds_before_and_after_compaction_and_a_rerun_changes_nothing()
    {
        var batches = Probe().Batches(420);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await IngestLiveAsync(rig, batches);

        var before = await rig.Samples.GetSamplesAsync(null, "web/1 #?", Start, Now, CancellationToken.None);
        Assert.Equal(4200, before.Count);
        Assert.Equal(Start, before[0].Time);
        Assert.Equal(20_000, before[0].Value);

        rig.Counter.Reset();
        await rig.Compaction.RunAsync(CancellationToken.None);
        output.WriteLine($"compaction: {rig.Counter.TableWrites} table writes, {rig.Counter.TableReads} reads: {string.Join(", ", rig.Counter.Requests)}");
        Assert.Equal(5, rig.Counter.TableWrites);

        var tables = await rig.DumpAsync("samples", "rollups");
        Assert.Equal(6, tables["samples"].Count);
        Assert.Equal(6, tables["rollups"].Count);

        rig.Counter.Reset();
        var after = await rig.Samples.GetSamplesAsync("home-1", "web/1 #?", Start, Now, CancellationToken.None);
        output.WriteLine($"24 h read after compaction: {rig.Counter.TableReads} table reads");
        Assert.Equal(before, after);

        await rig.Compaction.RunAsync(CancellationToken.None);
        Assert.Equal(tables, await rig.DumpAsync("samples", "rollups"));

        var hours = await rig.Samples.GetHourRollupsAsync(null, "nas", Start, Now, CancellationToken.None);
        Assert.Equal([Start, Start.AddHours(1)], hours.Select(h => h.Start));
        Assert.Equal(3600, hours[0].Statistics.Count);
        Assert.Equal(100, hours[0].Statistics.Failures);
        Assert.Equal(600, hours[1].Statistics.Count);

        var minutes = await rig.Samples.GetMinuteRollupsAsync(null, "nas", Start.AddMinutes(29), Start.AddMinutes(31), CancellationToken.None);
        Assert.Equal([Start.AddMinutes(29), Start.AddMinutes(30), Start.AddMinutes(31)], minutes.Select(m => m.Start));
        Assert.Equal([0, 60, 40], minutes.Select(m => m.Statistics.Failures));

        var uptime = await rig.Samples.GetUptimePercentAsync(null, "nas", Start.AddMinutes(30), Start.AddMinutes(40).AddSeconds(-1), CancellationToken.None);
        Assert.Equal(100.0 * 500 / 600, uptime!.Value, 6);
    }

    [Fact]
    public async Task A_late_batch_marks_its_hour_and_the_next_run_folds_it_in_as_if_it_had_come_in_time()
    {
        var batches = Probe().Batches(420);
        var late = batches[50];

        using var inTime = IngestionRig.Create(azurite.ConnectionString, Start);
        await IngestLiveAsync(inTime, batches);
        await inTime.Compaction.RunAsync(CancellationToken.None);

        using var withLate = IngestionRig.Create(azurite.ConnectionString, Start);
        await IngestLiveAsync(withLate, batches.Where(b => b != late));
        await withLate.Compaction.RunAsync(CancellationToken.None);
        withLate.Counter.Reset();
        await withLate.IngestAsync(late);

        // The batch, and the marker that sends compaction back to its hour: a late batch costs one write more.
        Assert.Equal(2, withLate.Counter.TableWrites);
        Assert.Contains((await withLate.DumpAsync("targets"))["targets"], row => row.Contains("dirty|2026030210", StringComparison.Ordinal));

        await withLate.Compaction.RunAsync(CancellationToken.None);

        Assert.Equal(await inTime.DumpAsync("samples", "rollups"), await withLate.DumpAsync("samples", "rollups"));

        // The late batch's row differs only in when it arrived.
        static List<string> WithoutArrival(List<string> rows) =>
            [.. rows.Select(r => System.Text.RegularExpressions.Regex.Replace(r, @" \| ReceivedAt=[^ |]+", ""))];
        Assert.Equal(WithoutArrival((await inTime.DumpAsync("batches"))["batches"]), WithoutArrival((await withLate.DumpAsync("batches"))["batches"]));
        Assert.DoesNotContain((await withLate.DumpAsync("targets"))["targets"], row => row.Contains("dirty|", StringComparison.Ordinal));
        Assert.Equal(
            await inTime.Samples.GetSamplesAsync(null, "gw", Start, Now, CancellationToken.None),
            await withLate.Samples.GetSamplesAsync(null, "gw", Start, Now, CancellationToken.None));
    }

    /// <summary>Each batch as it would arrive live, 12 s after its window opened; the clock then stands at <see cref="Now"/>.</summary>
    private static async Task IngestLiveAsync(IngestionRig rig, IEnumerable<NetPulse.Contracts.PingBatch> batches)
    {
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        rig.Time.SetUtcNow(Now);
    }

    [Fact]
    public async Task Unknown_targets_and_ambiguous_names_are_refused_by_name()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        await rig.IngestAsync(Probe().Batches(1)[0]);
        await rig.IngestAsync(new Scenario("office-2", Start).Target("gw", Scenario.Healthy).Batches(1)[0]);

        var unknown = await Assert.ThrowsAsync<UnknownTargetException>(() => rig.Samples.GetSamplesAsync(null, "printer", Start, Now, CancellationToken.None));
        Assert.Contains("'printer'", unknown.Message, StringComparison.Ordinal);
        var ambiguous = await Assert.ThrowsAsync<UnknownTargetException>(() => rig.Samples.GetSamplesAsync(null, "gw", Start, Now, CancellationToken.None));
        Assert.Contains("home-1, office-2", ambiguous.Message, StringComparison.Ordinal);
        Assert.Equal(10, (await rig.Samples.GetSamplesAsync("office-2", "gw", Start, Now, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_probe_whose_batches_cannot_be_read_fails_the_run_after_the_other_probe_is_compacted()
    {
        var good = new Scenario("good-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(30);
        var bad = new Scenario("bad-1", Start).Target("gw", Scenario.Healthy, uplink: true).Batches(30);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        await rig.IngestBesideAnUnreadableProbeAsync(good, bad);
        rig.Time.SetUtcNow(Now);

        var error = await Assert.ThrowsAsync<AggregateException>(() => rig.Compaction.RunAsync(CancellationToken.None));

        Assert.Contains("bad-1", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(Assert.Single(error.InnerExceptions));
        var partitions = await rig.SamplePartitionsAsync();
        Assert.NotEmpty(partitions);
        Assert.All(partitions, p => Assert.StartsWith("good-1", p, StringComparison.Ordinal));
    }
}
