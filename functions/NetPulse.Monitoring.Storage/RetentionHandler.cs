using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>What one retention run changed, and whether it got through everything that had expired.</summary>
public sealed record RetentionRun(RetentionEdges Edges)
{
    /// <summary>Batches (their UTC day's partition) deleted.</summary>
    public long Batches { get; set; }

    /// <summary>Hour-slot entities of rounds (a target's hour) deleted.</summary>
    public long SampleHours { get; set; }

    /// <summary>Hour rollup entities (a target's hour, with its minutes) deleted.</summary>
    public long HourRollups { get; set; }

    /// <summary>Hour rollup entities whose packed minutes were dropped, the hour's statistics kept.</summary>
    public long MinutesPruned { get; set; }

    /// <summary>The per-day target-name counters of ingestion's limits deleted (they age with the rounds).</summary>
    public long DayNameRows { get; set; }

    /// <summary>Rows of the paths table (snapshots, baseline copies, route changes) deleted; they are kept as long as minute rollups.</summary>
    public long PathRows { get; set; }

    /// <summary>False when the run stopped at its bound (<see cref="RetentionOptions.MaxChangesPerRun"/> or <see cref="RetentionOptions.MaxRunTime"/>).</summary>
    public bool Finished { get; set; } = true;
}

/// <summary>
/// The retention job: deletes rounds, minute rollups and hour rollups older than their edges
/// (<see cref="RetentionEdges"/>), probe by probe, in bounded steps. Incidents, reports and the catalogue are not touched.
/// </summary>
/// <remarks>
/// <para>
/// Azure Table storage has no "delete partition" request, so "deleting a partition" is a key-only range query and
/// entity-group transactions of up to 100 deletes, all of one partition. The layout makes that a clean cut: rounds are
/// partitioned by probe and UTC day (batches, hour slots) and hour rollups by probe and UTC month, so everything before
/// an edge is a range of whole partitions ("probe|" up to the edge's partition key), found by one range scan with no
/// filter on data, and no partition at or after the edge is touched. Minute rollups are packed in the hour rollup
/// entity; dropping them is a merge of an empty <c>Minutes</c> per entity (transactions of 100), keeping the hour.
/// </para>
/// <para>
/// Resuming: deletes need no cursor, since whatever a run did not reach is still there for the next run's range scan. The
/// minute pruning keeps a cursor per probe (row <see cref="TableKeys.RetentionCursorRow"/> of its partition in the
/// targets table), moved after each finished UTC day; a run stopped inside a day merges that day again, which changes
/// nothing. A run stops at its bound before the next transaction and logs one line with what it did.
/// </para>
/// </remarks>
public sealed class RetentionHandler
{
    private const string MinutesPrunedBefore = nameof(MinutesPrunedBefore);

    private static readonly string[] KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];

    private readonly MonitoringTables _tables;
    private readonly ProbeStateStore _states;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionHandler> _logger;

    internal RetentionHandler(MonitoringTables tables, ProbeStateStore states, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionHandler> logger)
    {
        _tables = tables;
        _states = states;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>One bounded run over every probe.</summary>
    public async Task<RetentionRun> RunAsync(CancellationToken cancellationToken)
    {
        var run = new RetentionRun(RetentionEdges.At(_time.GetUtcNow(), _options));
        var budget = new Budget(_options.MaxChangesPerRun, _options.MaxRunTime, _time);
        try
        {
            await EachProbe.RunAsync(_states, "Retention", _logger, probe => RunProbeAsync(probe.ProbeId, probe.CompactedThrough, run, budget, cancellationToken), cancellationToken);
        }
        finally
        {
            run.Finished &= !budget.Spent;
            _logger.LogInformation(
                "Retention deleted {Batches} batches, {SampleHours} sample hours and {DayNameRows} day-name rows before {RawFrom:yyyy-MM-dd}, {HourRollups} hour rollups before {HourFrom:yyyy-MM-dd}, and dropped the minutes of {MinutesPruned} hours before {MinuteFrom:yyyy-MM-dd}, and {PathRows} path rows before it; {Outcome}",
                run.Batches, run.SampleHours, run.DayNameRows, run.Edges.RawFrom, run.HourRollups, run.Edges.HourFrom, run.MinutesPruned, run.Edges.MinuteFrom, run.PathRows,
                run.Finished ? "all expired data is gone" : "stopped at its bound, the next run goes on");
        }

        return run;
    }

    private async Task RunProbeAsync(string probeId, DateTimeOffset? compactedThrough, RetentionRun run, Budget budget, CancellationToken cancellationToken)
    {
        var edges = run.Edges;
        var probeStart = probeId + TableKeys.Separator;

        // A batch goes only once compaction has folded its day into hour slots and rollups: a compaction that fell
        // behind by more than the retention (stopped for weeks) must not lose rounds it has not read yet.
        var batchesBefore = compactedThrough is { } compacted && TableKeys.DayOf(compacted) < edges.RawFrom ? TableKeys.DayOf(compacted) : edges.RawFrom;
        if (compactedThrough is not null)
        {
            run.Batches += await DeleteAsync(_tables.Batches,
                TableClient.CreateQueryFilter($"PartitionKey ge {probeStart} and PartitionKey lt {TableKeys.BatchPartition(probeId, batchesBefore)}"), budget, cancellationToken);
        }

        run.SampleHours += await DeleteAsync(_tables.Samples,
            TableClient.CreateQueryFilter($"PartitionKey ge {probeStart} and PartitionKey lt {TableKeys.SamplePartition(probeId, edges.RawFrom)}"), budget, cancellationToken);
        run.DayNameRows += await DeleteAsync(_tables.Targets,
            TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.TargetsPartition(probeId)} and RowKey ge {TableKeys.TargetNamesRowPrefix} and RowKey lt {TableKeys.TargetNamesRow(edges.RawFrom)}"),
            budget, cancellationToken);

        // Hours first: minutes are not dropped from rows about to go.
        run.HourRollups += await DeleteAsync(_tables.Rollups,
            TableClient.CreateQueryFilter($"PartitionKey ge {probeStart} and PartitionKey lt {TableKeys.RollupPartition(probeId, edges.HourFrom)}"), budget, cancellationToken);
        run.MinutesPruned += await PruneMinutesAsync(probeId, edges, budget, cancellationToken);
        run.PathRows += await DeleteAsync(_tables.Paths, PathsBefore(probeId, edges.MinuteFrom), budget, cancellationToken);
    }

    /// <summary>
    /// A probe's path rows older than <paramref name="edge"/>: its targets' partitions ("probe|key") with each kind's
    /// rows after the edge's inverted time. Paths are kept as long as minute rollups, not rounds: a snapshot explains an
    /// incident that the minute charts still show, and a target has a few a day (hourly baselines of uplinks, trouble).
    /// </summary>
    internal static string PathsBefore(string probeId, DateTimeOffset edge)
    {
        string Older(string prefix) => TableClient.CreateQueryFilter($"(RowKey gt {TableKeys.PathRow(prefix, edge)} and RowKey lt {prefix + "~"})");
        return TableClient.CreateQueryFilter($"PartitionKey ge {probeId + TableKeys.Separator} and PartitionKey lt {probeId + "|~"}")
            + $" and ({Older(TableKeys.PathRowPrefix)} or {Older(TableKeys.BaselineRowPrefix)} or {Older(TableKeys.RouteChangeRowPrefix)})";
    }

    /// <summary>Deletes what the key-only query finds, a transaction per partition and 100 rows, until the budget is spent.</summary>
    private static async Task<long> DeleteAsync(TableClient table, string filter, Budget budget, CancellationToken cancellationToken) =>
        await ChangeAsync(table, filter, e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All), budget, cancellationToken);

    private static async Task<long> ChangeAsync(
        TableClient table, string filter, Func<TableEntity, TableTransactionAction> action, Budget budget, CancellationToken cancellationToken)
    {
        long changed = 0;
        var chunk = new List<TableTransactionAction>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: KeysOnly, cancellationToken: cancellationToken))
        {
            if (chunk.Count == 100 || (chunk.Count > 0 && chunk[0].Entity.PartitionKey != entity.PartitionKey))
            {
                changed += await SubmitAsync(table, chunk, budget, cancellationToken);
                chunk = [];
            }

            if (budget.Spent)
            {
                return changed;
            }

            chunk.Add(action(new TableEntity(entity.PartitionKey, entity.RowKey)));
        }

        if (chunk.Count > 0)
        {
            changed += await SubmitAsync(table, chunk, budget, cancellationToken);
        }

        return changed;
    }

    private static async Task<int> SubmitAsync(TableClient table, List<TableTransactionAction> chunk, Budget budget, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // A row went meanwhile (a run of another instance, say): the transaction is all or nothing, so the rest one by one.
            foreach (var item in chunk)
            {
                await (item.ActionType == TableTransactionActionType.Delete
                    ? table.DeleteEntityAsync(item.Entity.PartitionKey, item.Entity.RowKey, ETag.All, cancellationToken)
                    : IgnoreMissingAsync(table.UpdateEntityAsync(item.Entity, ETag.All, TableUpdateMode.Merge, cancellationToken)));
            }
        }

        budget.Use(chunk.Count);
        return chunk.Count;
    }

    private static async Task<Response> IgnoreMissingAsync(Task<Response> update)
    {
        try
        {
            return await update;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return ex.GetRawResponse()!;
        }
    }

    /// <summary>Drops the packed minutes of the hours from the probe's cursor up to the minute edge, a UTC day at a time.</summary>
    private async Task<long> PruneMinutesAsync(string probeId, RetentionEdges edges, Budget budget, CancellationToken cancellationToken)
    {
        var partition = TableKeys.TargetsPartition(probeId);
        var cursor = await _tables.Targets.GetEntityIfExistsAsync<TableEntity>(partition, TableKeys.RetentionCursorRow, cancellationToken: cancellationToken);
        var from = cursor.HasValue ? cursor.Value!.GetDateTimeOffset(MinutesPrunedBefore)?.ToUniversalTime() : await OldestRollupMonthAsync(probeId, cancellationToken);
        if (from is not { } day)
        {
            return 0;
        }

        long pruned = 0;
        for (day = TableKeys.DayOf(day < edges.HourFrom ? edges.HourFrom : day); day < edges.MinuteFrom && !budget.Spent; day = day.AddDays(1))
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {TableKeys.RollupPartition(probeId, day)} and Hour ge {day} and Hour lt {day.AddDays(1)}");
            var dayPruned = await ChangeAsync(_tables.Rollups, filter, e =>
            {
                e[nameof(HourRollupEntity.Minutes)] = Array.Empty<byte>();
                return new TableTransactionAction(TableTransactionActionType.UpdateMerge, e, ETag.All);
            }, budget.Unbounded, cancellationToken);
            budget.Use(dayPruned);
            pruned += dayPruned;
            await _tables.Targets.UpsertEntityAsync(
                new TableEntity(partition, TableKeys.RetentionCursorRow) { [MinutesPrunedBefore] = day.AddDays(1) }, TableUpdateMode.Replace, cancellationToken);
        }

        return pruned;
    }

    /// <summary>The start of the month of the probe's oldest rollup partition; null when it has none.</summary>
    private async Task<DateTimeOffset?> OldestRollupMonthAsync(string probeId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {probeId + TableKeys.Separator} and PartitionKey lt {probeId + "|~"}");
        await foreach (var page in _tables.Rollups.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: KeysOnly, cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count > 0)
            {
                var month = page.Values[0].PartitionKey.AsSpan(probeId.Length + 1);
                return new DateTimeOffset(int.Parse(month[..4], CultureInfo.InvariantCulture), int.Parse(month[4..], CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero);
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>How much a run may still change: entities and time.</summary>
    private sealed class Budget(long maxChanges, TimeSpan maxTime, TimeProvider time)
    {
        private readonly long _started = time.GetTimestamp();
        private long _changes;

        public bool Spent => _changes >= maxChanges || time.GetElapsedTime(_started) >= maxTime;

        /// <summary>A budget that never runs out, for the one day of minutes a run finishes once it began it.</summary>
        public Budget Unbounded => new(long.MaxValue, TimeSpan.MaxValue, time);

        public void Use(long changes) => _changes += changes;
    }
}
