using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

public sealed class LimitsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_with_more_targets_than_the_cap_is_refused_naming_the_limit_and_stores_nothing()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(1), Limits(maxTargets: 3, maxNames: 4));

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch(1, Start, "a", "b", "c", "d")));

        Assert.Contains("has 4 targets", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 3 (NetPulse:Limits:MaxTargetsPerProbe)", refused.Message, StringComparison.Ordinal);
        // The probes table holds the test probe's registration, made before the batch was signed.
        Assert.All((await rig.DumpEveryTableAsync()).Where(t => t.Key != "probes"), t => Assert.Empty(t.Value));
    }

    [Fact]
    public async Task Distinct_target_names_of_one_UTC_day_are_capped_per_probe()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(1), Limits(maxTargets: 3, maxNames: 4));
        await rig.IngestAsync(Batch(1, Start, "a", "b", "c"));
        await rig.IngestAsync(Batch(2, Start.AddSeconds(10), "c", "d"));
        await rig.IngestAsync(Batch(3, Start.AddSeconds(20), "a", "d"));

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch(4, Start.AddSeconds(30), "a", "e")));

        Assert.Contains("would make 5 distinct target names on 2026-03-02 (UTC)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 4 (NetPulse:Limits:MaxTargetNamesPerDay)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await rig.DumpAsync("batches"))["batches"].Count);
        Assert.DoesNotContain((await rig.DumpAsync("targets"))["targets"], row => row.Contains("Name=e", StringComparison.Ordinal));

        // Another instance, which has not seen this day's names, counts from the table; the next UTC day starts again.
        using var other = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(1), Limits(maxTargets: 3, maxNames: 4), rig.Prefix);
        await Assert.ThrowsAsync<InvalidPingBatchException>(() => other.IngestAsync(Batch(5, Start.AddSeconds(40), "e")));
        other.Time.SetUtcNow(Start.AddDays(1).AddMinutes(1));
        await other.IngestAsync(Batch(6, Start.AddDays(1), "e"));
    }

    [Fact]
    public async Task A_sequence_far_past_the_highest_stored_is_refused_unless_it_restarts_numbering_at_the_clock()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(5), Limits(maxJump: 1000));
        await rig.IngestAsync(Batch(5, Start, "a"));

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch(1006, Start.AddSeconds(10), "a")));
        Assert.Contains("jumps 1001 past its highest stored sequence 5", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 1000 (NetPulse:Limits:MaxSequenceJump)", refused.Message, StringComparison.Ordinal);

        // A second instance knows the highest sequence only from the table.
        using var other = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(5), Limits(maxJump: 1000), rig.Prefix);
        await Assert.ThrowsAsync<InvalidPingBatchException>(() => other.IngestAsync(Batch(1006, Start.AddSeconds(10), "a")));
        await other.IngestAsync(Batch(1005, Start.AddSeconds(10), "a"));

        // A probe whose state file was garbled numbers on from the clock's Unix milliseconds: that jump is let through.
        var restart = Start.AddSeconds(20);
        await other.IngestAsync(Batch(restart.ToUnixTimeMilliseconds() - 2_000, restart, "a"));
        await Assert.ThrowsAsync<InvalidPingBatchException>(() => other.IngestAsync(Batch(restart.ToUnixTimeMilliseconds() + 2_000_000, restart.AddSeconds(10), "a")));
        Assert.Equal(3, (await other.DumpAsync("batches"))["batches"].Count);
    }

    [Fact]
    public void Limits_are_validated_at_start_naming_the_setting()
    {
        var validator = new LimitsOptionsValidator();

        var names = validator.Validate(null, new LimitsOptions { MaxTargetsPerProbe = 500, MaxTargetNamesPerDay = 100 });
        var jump = validator.Validate(null, new LimitsOptions { MaxSequenceJump = 0 });
        var cache = validator.Validate(null, new LimitsOptions { MaxCachedProbes = 0 });

        Assert.True(validator.Validate(null, new LimitsOptions()).Succeeded);
        Assert.Contains("NetPulse:Limits:MaxTargetNamesPerDay is 100; it must be between 500 and 8000", names.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("NetPulse:Limits:MaxSequenceJump is 0", jump.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("NetPulse:Limits:MaxCachedProbes is 0", cache.FailureMessage, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Limits(int maxTargets = 500, int maxNames = 1000, long maxJump = 1_000_000) => new()
    {
        ["NetPulse:Limits:MaxTargetsPerProbe"] = maxTargets.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NetPulse:Limits:MaxTargetNamesPerDay"] = maxNames.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NetPulse:Limits:MaxSequenceJump"] = maxJump.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static PingBatch Batch(long sequence, DateTimeOffset windowStart, params string[] targets) => new()
    {
        Version = PingBatch.CurrentVersion,
        ProbeId = "capped-1",
        Sequence = sequence,
        WindowStart = windowStart,
        Targets = [.. targets.Select(name => new TargetSamples
        {
            Name = name,
            Host = "10.200.0.9",
            Category = "servers",
            Description = "target " + name,
            IntervalMs = 1000,
            Samples = [.. Enumerable.Range(0, 10).Select(s => new WireSample(s * 1000, Scenario.Healthy(s)))],
        })],
    };
}
