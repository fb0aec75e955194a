using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// What the ranking costs against a real Azurite, counted on the table client: nothing is compacted yet, so every
/// figure comes from the batches, and a probe's batches are read once for all its targets, not once per target.
/// </summary>
public sealed class RankingReadsTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_probes_batches_are_read_once_for_all_its_targets_with_the_figures_of_one_target_read_alone()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start, services: s => s.AddNetPulseApi(new ConfigurationBuilder().Build()));
        var office = new Scenario("lab-01", Start)
            .Target("gateway", Scenario.Healthy).Target("printer", Scenario.Healthy).Target("nas", s => s % 5 == 0 ? Scenario.Timeout : 20_000 + s)
            .Target("dns", Scenario.Healthy);
        var cabin = new Scenario("lab-02", Start).Target("gateway", s => 30_000 + (s % 7 * 1000)).Target("router", Scenario.Healthy);
        foreach (var batch in office.Batches(6).Concat(cabin.Batches(6)).OrderBy(b => b.WindowStart))
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }

        rig.Counter.Reset();
        var answer = await Answer.Of(r => rig.Get<RankingHandler>().RankAsync(r, CancellationToken.None), "?by=jitter&limit=100&from=2026-05-04T07:00:00Z&to=2026-05-04T09:00:00Z");
        var batchScans = BatchScans(rig);
        output.WriteLine($"ranking: {batchScans} batch range scans, {rig.Counter.TableReads} table reads in all");

        Assert.Equal(200, answer.Status);
        var ranked = answer.Json.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(6, ranked.Count);

        // One range scan of the batches table per probe and day (the range is within one), where one per target made six.
        Assert.Equal(2, batchScans);

        // The shared read gives each target what reading it alone gives; alone, each target scans the batches again
        // (what the ranking did before it shared the read).
        rig.Counter.Reset();
        foreach (var target in ranked)
        {
            Assert.True(TargetIds.TryParse(target.GetProperty("id").GetString()!, out var probeId, out var name, out _));
            var from = answer.Json.GetProperty("from").GetDateTimeOffset();
            var to = answer.Json.GetProperty("to").GetDateTimeOffset();
            var alone = await rig.Samples.GetHourRollupsAsync(probeId, name, from, to.AddTicks(-1), CancellationToken.None);
            Assert.Equal(alone.Sum(h => h.Statistics.Count), target.GetProperty("quality").GetProperty("rounds").GetInt64());
            Assert.Equal(alone.Sum(h => h.Statistics.Successes), target.GetProperty("quality").GetProperty("replies").GetInt64());
        }

        var aloneScans = BatchScans(rig);
        output.WriteLine($"the targets read one by one: {aloneScans} batch range scans");
        Assert.Equal(ranked.Count, aloneScans);
        Assert.Equal(60, ranked.Single(t => t.GetProperty("name").GetString() == "nas").GetProperty("quality").GetProperty("rounds").GetInt64());
        Assert.Equal(JsonValueKind.Number, ranked[0].GetProperty("quality").GetProperty("jitterMs").ValueKind);
    }

    /// <summary>Range scans of the batches table (the newest-batch look-ups ask for a partition only).</summary>
    private static int BatchScans(IngestionRig rig) =>
        rig.Counter.Queries.Count(q => q.Path.EndsWith(rig.Prefix + "batches()", StringComparison.Ordinal) && q.Filter.Contains("RowKey ge", StringComparison.Ordinal));
}
