using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Api;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Retention;

/// <summary>
/// The retention job over seeded tables with a controlled clock. Now is 2026-12-06 10:30 UTC; with the defaults (35
/// days, 400 days, 5 years) rounds are kept from 2026-11-01 00:00 UTC, minute rollups from 2025-11-01 and hour
/// rollups from 2021-12-01, the starts of the UTC days and month those counts reach back to.
/// </summary>
public sealed class RetentionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RawFrom = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MinuteFrom = new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HourFrom = new(2021, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_edges_are_utc_day_and_month_starts_that_neither_offsets_nor_daylight_saving_move()
    {
        var options = new RetentionOptions();
        Assert.Equal(new RetentionEdges(RawFrom, MinuteFrom, HourFrom), RetentionEdges.At(Now, options));

        // The same instant written in Berlin's summer or winter offset, or in UTC, gives the same edges.
        Assert.Equal(RetentionEdges.At(Now, options), RetentionEdges.At(Now.ToOffset(TimeSpan.FromHours(1)), options));

        // 2026-03-29 is the day Europe moves its clocks: the edge still moves at UTC midnight, by exactly one day.
        var lastBefore = new DateTimeOffset(2026, 3, 29, 23, 59, 59, TimeSpan.Zero);
        var firstAfter = lastBefore.AddSeconds(1);
        Assert.Equal(new DateTimeOffset(2026, 2, 22, 0, 0, 0, TimeSpan.Zero), RetentionEdges.At(lastBefore, options).RawFrom);
        Assert.Equal(new DateTimeOffset(2026, 2, 23, 0, 0, 0, TimeSpan.Zero), RetentionEdges.At(firstAfter, options).RawFrom);
        Assert.Equal(RetentionEdges.At(lastBefore, options), RetentionEdges.At(new DateTimeOffset(2026, 3, 30, 1, 59, 59, TimeSpan.FromHours(2)), options));

        // Hour rollups go a month partition at a time: the edge is the start of the month five years back.
        Assert.Equal(new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero), RetentionEdges.At(firstAfter, options).HourFrom);
    }

    [Fact]
    public void The_options_are_checked_against_each_other_the_report_and_the_backlog_limit()
    {
        var defaults = new RetentionOptionsValidator(Options.Create(new StorageOptions()));
        Assert.True(defaults.Validate(null, new RetentionOptions()).Succeeded);

        var longBacklog = new RetentionOptionsValidator(Options.Create(new StorageOptions { BacklogLimit = TimeSpan.FromDays(60) }));
        Assert.Contains("NetPulse:Retention:RawDays is 35; it must be between 61", longBacklog.Validate(null, new RetentionOptions()).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RawDays is 20; it must be between 33", defaults.Validate(null, new RetentionOptions { RawDays = 20 }).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MinuteRollupDays is 39; it must be at least RawDays (40)", defaults.Validate(null, new RetentionOptions { RawDays = 40, MinuteRollupDays = 39 }).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("HourRollupYears is 5; it must be between 1 and 100 and cover MinuteRollupDays (2000 days)", defaults.Validate(null, new RetentionOptions { MinuteRollupDays = 2000 }).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exactly_the_expired_rounds_and_rollups_are_gone_and_incidents_stay()
    {
        using var rig = RetentionRig.Create(azurite.ConnectionString, Now);
        await SeedAsync(rig, "home-1", targets: 2);
        await SeedAsync(rig, "home-10", targets: 1);
        var before = await rig.KeysAsync();

        var run = await rig.Retention.RunAsync(CancellationToken.None);

        Assert.True(run.Finished);
        var after = await rig.KeysAsync();
        AssertOnlyExpiredGone(before, after);
        // Three targets in all: per probe two expired days of three batches; per target two expired hours of rounds, one
        // expired rollup month's hour, and two hours between the rollup edges.
        Assert.Equal((2 * 2 * 3, 3 * 2, 3 * 1, 3 * 2), (run.Batches, run.SampleHours, run.HourRollups, run.MinutesPruned));
        Assert.Equal(2, run.DayNameRows);
        await AssertMinutesAsync(rig);

        // A second run finds nothing left to do.
        var again = await rig.Retention.RunAsync(CancellationToken.None);
        Assert.Equal((0, 0, 0, 0), (again.Batches, again.SampleHours, again.HourRollups, again.MinutesPruned));
        Assert.Equal(after, await rig.KeysAsync());
    }

    [Fact]
    public async Task A_run_cancelled_halfway_or_stopped_at_its_bound_is_finished_by_the_next_runs_and_deletes_nothing_unexpired()
    {
        using var rig = RetentionRig.Create(azurite.ConnectionString, Now, new Dictionary<string, string?> { ["NetPulse:Retention:MaxChangesPerRun"] = "100" });
        await SeedAsync(rig, "home-1", targets: 20);
        var before = await rig.KeysAsync();

        // A crash halfway: the third transaction is cancelled.
        rig.Trip.Arm(3);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Retention.RunAsync(rig.Trip.Token));
        var crashed = await rig.KeysAsync();
        AssertNothingUnexpiredGone(before, crashed);
        Assert.NotEqual(before, crashed);

        var runs = new List<RetentionRun>();
        do
        {
            runs.Add(await rig.Retention.RunAsync(CancellationToken.None));
            AssertNothingUnexpiredGone(before, await rig.KeysAsync());
        }
        while (!runs[^1].Finished && runs.Count < 50);

        Assert.True(runs.Count > 3, $"{runs.Count} runs: the bound of 100 changes must have split the work");
        Assert.True(runs[^1].Finished);
        AssertOnlyExpiredGone(before, await rig.KeysAsync());
        await AssertMinutesAsync(rig);
    }

    [Fact]
    public async Task Batches_that_compaction_has_not_folded_in_yet_stay_past_the_edge()
    {
        using var rig = RetentionRig.Create(azurite.ConnectionString, Now);
        await SeedAsync(rig, "home-1", targets: 1);
        await SeedAsync(rig, "home-2", targets: 1);

        // home-1's compaction stopped on 2026-10-31 at noon; home-2's never ran.
        await rig.Tables.Targets.UpsertEntityAsync(new ProbeEntity
        {
            PartitionKey = TableKeys.TargetsPartition("home-1"),
            RowKey = TableKeys.ProbeRow,
            ProbeId = "home-1",
            CompactedThrough = RawFrom.AddHours(-12),
        });
        await rig.Tables.Targets.UpsertEntityAsync(new ProbeEntity { PartitionKey = TableKeys.TargetsPartition("home-2"), RowKey = TableKeys.ProbeRow, ProbeId = "home-2" }, Azure.Data.Tables.TableUpdateMode.Replace);

        var run = await rig.Retention.RunAsync(CancellationToken.None);

        Assert.Equal(3, run.Batches);
        var batches = (await rig.KeysAsync())["batches"];
        Assert.DoesNotContain(batches, k => k.StartsWith("home-1|20261030", StringComparison.Ordinal));
        Assert.Equal(3, batches.Count(k => k.StartsWith("home-1|20261031", StringComparison.Ordinal)));
        Assert.Equal(12, batches.Count(k => k.StartsWith("home-2|", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Per probe: batches on 2026-10-30 to 11-02 (three each), hour slots of 10-31 and 11-01, rollups on both sides of
    /// each rollup edge (with their minutes), ingestion's day-name rows either side of the raw edge, and an incident of 2020.
    /// </summary>
    private static async Task SeedAsync(RetentionRig rig, string probeId, int targets)
    {
        await rig.Tables.EnsureCreatedAsync(CancellationToken.None);
        await rig.Tables.Targets.UpsertEntityAsync(new ProbeEntity { PartitionKey = TableKeys.TargetsPartition(probeId), RowKey = TableKeys.ProbeRow, ProbeId = probeId, CompactedThrough = Now.AddMinutes(-5) });
        foreach (var day in new[] { RawFrom.AddDays(-1), RawFrom })
        {
            await rig.Tables.Targets.UpsertEntityAsync(new TargetNamesEntity { PartitionKey = TableKeys.TargetsPartition(probeId), RowKey = TableKeys.TargetNamesRow(day), ProbeId = probeId });
        }

        for (var day = RawFrom.AddDays(-2); day <= RawFrom.AddDays(1); day = day.AddDays(1))
        {
            for (var i = 0; i < 3; i++)
            {
                var last = day.AddHours(8 * i + 7);
                await rig.Tables.Batches.UpsertEntityAsync(new BatchEntity
                {
                    PartitionKey = TableKeys.BatchPartition(probeId, last),
                    RowKey = TableKeys.BatchRow(last, i),
                    ProbeId = probeId,
                    Sequence = i,
                    LastSampleAt = last,
                });
            }
        }

        var names = Enumerable.Range(0, targets).Select(t => "target " + t).ToList();
        var sampleHours = targets > 2
            ? Enumerable.Range(-48, 72).Select(h => RawFrom.AddHours(h))
            : new[] { RawFrom.AddDays(-1), RawFrom.AddHours(-1), RawFrom, RawFrom.AddHours(23) };
        await InsertAsync(rig.Tables.Samples, from hour in sampleHours
                                              from name in names
                                              select (ITableEntity)new HourSamplesEntity
                                              {
                                                  PartitionKey = TableKeys.SamplePartition(probeId, hour),
                                                  RowKey = TableKeys.SampleRow(TableKeys.TargetKey(name), hour),
                                                  ProbeId = probeId,
                                                  TargetName = name,
                                                  Hour = hour,
                                                  Slots = new byte[16],
                                              });

        var rollupHours = new List<DateTimeOffset> { HourFrom.AddHours(-1), HourFrom, MinuteFrom.AddHours(-1), MinuteFrom, Now.AddHours(-2) };
        if (targets > 2)
        {
            rollupHours.AddRange(Enumerable.Range(1, 47).Select(h => MinuteFrom.AddHours(-1 - h)));
        }

        var minutes = MinuteRollups.Pack(Enumerable.Repeat(new SampleStatistics { Count = 60, Successes = 60, MinMs = 1, AvgMs = 2, MaxMs = 3 }, 60).ToList());
        await InsertAsync(rig.Tables.Rollups, from hour in rollupHours
                                              from name in names
                                              select (ITableEntity)new HourRollupEntity
                                              {
                                                  PartitionKey = TableKeys.RollupPartition(probeId, hour),
                                                  RowKey = TableKeys.RollupRow(TableKeys.TargetKey(name), hour),
                                                  ProbeId = probeId,
                                                  TargetName = name,
                                                  Hour = hour,
                                                  CoveredUntil = hour.AddHours(1),
                                                  Minutes = minutes,
                                              }.WithStatistics(new SampleStatistics { Count = 3600, Successes = 3600, MinMs = 1, AvgMs = 2, MaxMs = 3 }));

        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await rig.Tables.Incidents.UpsertEntityAsync(new IncidentEntity
        {
            PartitionKey = TableKeys.IncidentPartition(start),
            RowKey = TableKeys.IncidentRow(start, probeId + "-1"),
            Id = probeId + "-1",
            ProbeId = probeId,
            Start = start,
        });
    }

    private static async Task InsertAsync(TableClient table, IEnumerable<ITableEntity> entities)
    {
        foreach (var partition in entities.GroupBy(e => e.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
            }
        }
    }

    /// <summary>Whether a row is past its retention at <see cref="Now"/>, from its keys alone.</summary>
    private static bool Expired(string table, string key)
    {
        var (partition, row) = (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var suffix = partition[(partition.IndexOf('|', StringComparison.Ordinal) + 1)..];
        return table switch
        {
            "batches" or "samples" => string.CompareOrdinal(suffix, TableKeys.Day(RawFrom)) < 0,
            "rollups" => string.CompareOrdinal(suffix, TableKeys.Month(HourFrom)) < 0,
            "targets" => row.StartsWith(TableKeys.TargetNamesRowPrefix, StringComparison.Ordinal) && string.CompareOrdinal(row, TableKeys.TargetNamesRow(RawFrom)) < 0,
            _ => false,
        };
    }

    private static void AssertOnlyExpiredGone(SortedDictionary<string, List<string>> before, SortedDictionary<string, List<string>> after)
    {
        foreach (var (table, keys) in before)
        {
            if (table is "batches" or "samples" or "rollups" or "targets")
            {
                Assert.Contains(keys, k => Expired(table, k));
            }

            var expected = keys.Where(k => !Expired(table, k)).ToList();

            // The job's one row of its own: the minute pruning's cursor of each probe.
            var actual = after[table].Where(k => !k.EndsWith(" " + TableKeys.RetentionCursorRow, StringComparison.Ordinal)).ToList();
            Assert.Equal(expected, actual);
        }
    }

    private static void AssertNothingUnexpiredGone(SortedDictionary<string, List<string>> before, SortedDictionary<string, List<string>> after)
    {
        foreach (var (table, keys) in before)
        {
            Assert.Empty(keys.Where(k => !Expired(table, k)).Except(after[table]));
        }
    }

    /// <summary>Rollups before the minute edge have no minutes left; the others all 60.</summary>
    private static async Task AssertMinutesAsync(RetentionRig rig)
    {
        var rows = 0;
        await foreach (var rollup in rig.Tables.Rollups.QueryAsync<HourRollupEntity>())
        {
            rows++;
            Assert.True(rollup.Hour >= HourFrom);
            Assert.Equal(rollup.Hour < MinuteFrom ? 0 : 1800, rollup.Minutes.Length);
            Assert.Equal(3600, rollup.Count);
        }

        Assert.True(rows > 0);
    }
}
