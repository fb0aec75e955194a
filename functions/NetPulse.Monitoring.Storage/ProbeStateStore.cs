using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>A probe's partition of the targets table as ingestion last read or wrote it.</summary>
internal sealed class ProbeState
{
    public required string ProbeId { get; init; }

    public bool ProbeRowExists { get; set; }

    public DateTimeOffset? CompactedThrough { get; set; }

    /// <summary>The watchdog's latest probe-silent incident (JSON), open or not.</summary>
    public string? SilentIncident { get; set; }

    public bool SummaryPending { get; set; }

    public DateTimeOffset? SummaryPendingFrom { get; set; }

    public DateTimeOffset? SummaryPendingSince { get; set; }

    public Azure.ETag ProbeRowETag { get; set; }

    public Dictionary<string, TargetEntity> Targets { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset LoadedAt { get; init; }
}

/// <summary>
/// Reads and writes a probe's partition of the targets table: its row, its targets, its compaction markers.
/// Ingestion keeps what it read in memory for <see cref="StorageOptions.ProbeStateCacheDuration"/> so a steady
/// stream of batches reads it once in a while, not once per batch; every write goes through here and keeps
/// the copy current. A failed batch drops the copy, so the retry starts from what the table really holds.
/// </summary>
internal sealed class ProbeStateStore(MonitoringTables tables, IOptions<StorageOptions> options, TimeProvider time)
{
    private const int MaxActionsPerTransaction = 100;
    private static readonly string[] KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];
    private readonly ConcurrentDictionary<string, ProbeState> _cache = new(StringComparer.Ordinal);
    private readonly TimeSpan _cacheDuration = options.Value.ProbeStateCacheDuration;

    public async Task<ProbeState> GetAsync(string probeId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(probeId, out var cached) && time.GetUtcNow() - cached.LoadedAt < _cacheDuration)
        {
            return cached;
        }

        var state = await ReadAsync(probeId, cancellationToken);
        _cache[probeId] = state;
        return state;
    }

    public void Forget(string probeId) => _cache.TryRemove(probeId, out _);

    /// <summary>The probe's own row as the table holds it now (not the cache); null when no batch ever came from it.</summary>
    public async Task<ProbeEntity?> ReadProbeRowAsync(string probeId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Targets.GetEntityIfExistsAsync<ProbeEntity>(
            TableKeys.TargetsPartition(probeId), TableKeys.ProbeRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>True when a batch of the probe ever named the target: one keys-only point read.</summary>
    public async Task<bool> TargetExistsAsync(string probeId, string targetName, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Targets.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.TargetsPartition(probeId), TableKeys.TargetRow(TableKeys.TargetKey(targetName)), select: KeysOnly, cancellationToken);
        return row.HasValue;
    }

    /// <summary>Notes that finished incidents wait for a summary (merged into the probe's row).</summary>
    public async Task MarkSummaryPendingAsync(ProbeState state, DateTimeOffset earliestStart, CancellationToken cancellationToken)
    {
        var from = state.SummaryPending && state.SummaryPendingFrom is { } known && known < earliestStart ? known : earliestStart;
        if (state.SummaryPending && state.SummaryPendingFrom == from)
        {
            return;
        }

        var since = state.SummaryPending ? state.SummaryPendingSince : time.GetUtcNow();
        var response = await tables.Targets.UpsertEntityAsync(
            new ProbeEntity
            {
                PartitionKey = TableKeys.TargetsPartition(state.ProbeId),
                RowKey = TableKeys.ProbeRow,
                ProbeId = state.ProbeId,
                SummaryPending = true,
                SummaryPendingFrom = from,
                SummaryPendingSince = since,
            },
            TableUpdateMode.Merge,
            cancellationToken);
        state.ProbeRowExists = true;
        state.SummaryPending = true;
        state.SummaryPendingFrom = from;
        state.SummaryPendingSince = since;
        state.ProbeRowETag = response.Headers.ETag ?? default;
    }

    /// <summary>
    /// Clears the pending-summary mark unless the row changed since <paramref name="state"/> read it (then a new
    /// incident may be waiting, and the mark stays for the next flush).
    /// </summary>
    public async Task ClearSummaryPendingAsync(ProbeState state, CancellationToken cancellationToken)
    {
        try
        {
            var response = await tables.Targets.UpdateEntityAsync(
                new ProbeEntity { PartitionKey = TableKeys.TargetsPartition(state.ProbeId), RowKey = TableKeys.ProbeRow, ProbeId = state.ProbeId, SummaryPending = false },
                state.ProbeRowETag == default ? Azure.ETag.All : state.ProbeRowETag,
                TableUpdateMode.Merge,
                cancellationToken);
            state.SummaryPending = false;
            state.ProbeRowETag = response.Headers.ETag ?? default;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 412)
        {
            Forget(state.ProbeId);
        }
    }

    /// <summary>The probe's row and targets as stored now (compaction markers left out).</summary>
    public async Task<ProbeState> ReadAsync(string probeId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var state = new ProbeState { ProbeId = probeId, LoadedAt = time.GetUtcNow() };
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.TargetsPartition(probeId)} and RowKey ge {TableKeys.ProbeRow}");
        await foreach (var entity in tables.Targets.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            Apply(state, entity);
        }

        return state;
    }

    /// <summary>
    /// Writes changed target rows, the probe's row if it is new, and compaction markers: one transaction per
    /// hundred rows (the partition is the probe's), usually one.
    /// </summary>
    public async Task SaveAsync(
        ProbeState state, IReadOnlyCollection<TargetEntity> changedTargets, IReadOnlyCollection<DateTimeOffset> dirtyHours, CancellationToken cancellationToken)
    {
        var partition = TableKeys.TargetsPartition(state.ProbeId);
        var actions = new List<TableTransactionAction>();
        if (!state.ProbeRowExists)
        {
            // Merge: compaction and the watchdog keep their own properties on this row.
            actions.Add(new TableTransactionAction(
                TableTransactionActionType.UpsertMerge,
                new ProbeEntity { PartitionKey = partition, RowKey = TableKeys.ProbeRow, ProbeId = state.ProbeId }));
        }

        // Conditional: a target row changed by someone else since it was read fails the write, and the retry
        // (the queue's, or the next timer run) starts again from what is stored.
        actions.AddRange(changedTargets.Select(t => state.Targets.TryGetValue(t.Name, out var read) && read.ETag != default
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, t, read.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, t)));
        actions.AddRange(dirtyHours.Distinct().Select(hour => new TableTransactionAction(
            TableTransactionActionType.UpsertReplace,
            new DirtyHourEntity { PartitionKey = partition, RowKey = TableKeys.DirtyHourRow(hour), Hour = hour })));

        foreach (var chunk in actions.Chunk(MaxActionsPerTransaction))
        {
            var responses = (await tables.Targets.SubmitTransactionAsync(chunk, cancellationToken)).Value;
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i].Entity is TargetEntity written && responses[i].Headers.ETag is { } etag)
                {
                    written.ETag = etag;
                }
            }
        }

        state.ProbeRowExists = true;
        foreach (var target in changedTargets)
        {
            state.Targets[target.Name] = target;
        }
    }

    /// <summary>Every probe that has a row, with its targets: for compaction, the watchdog and readers.</summary>
    public async Task<List<ProbeState>> ReadAllAsync(CancellationToken cancellationToken)
    {
        // A new installation answers with nothing rather than a storage error.
        await tables.EnsureCreatedAsync(cancellationToken);
        var probes = new Dictionary<string, ProbeState>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {TableKeys.ProbeRow}");
        await foreach (var entity in tables.Targets.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (!probes.TryGetValue(entity.PartitionKey, out var state))
            {
                state = new ProbeState { ProbeId = entity.PartitionKey, LoadedAt = time.GetUtcNow() };
                probes.Add(entity.PartitionKey, state);
            }

            Apply(state, entity);
        }

        return [.. probes.Values.Where(p => p.ProbeRowExists).OrderBy(p => p.ProbeId, StringComparer.Ordinal)];
    }

    /// <summary>Folds one row of a probe's partition into its state: the probe row or a target row (others are ignored).</summary>
    private static void Apply(ProbeState state, TableEntity entity)
    {
        if (entity.RowKey == TableKeys.ProbeRow)
        {
            state.ProbeRowExists = true;
            state.CompactedThrough = entity.GetDateTimeOffset(nameof(ProbeEntity.CompactedThrough))?.ToUniversalTime();
            state.SilentIncident = entity.GetString(nameof(ProbeEntity.SilentIncident));
            state.SummaryPending = entity.GetBoolean(nameof(ProbeEntity.SummaryPending)) ?? false;
            state.SummaryPendingFrom = entity.GetDateTimeOffset(nameof(ProbeEntity.SummaryPendingFrom))?.ToUniversalTime();
            state.SummaryPendingSince = entity.GetDateTimeOffset(nameof(ProbeEntity.SummaryPendingSince))?.ToUniversalTime();
            state.ProbeRowETag = entity.ETag;
        }
        else if (entity.RowKey.StartsWith(TableKeys.TargetRowPrefix, StringComparison.Ordinal))
        {
            var target = ToTarget(entity);
            state.Targets[target.Name] = target;
        }
    }

    private static TargetEntity ToTarget(TableEntity entity) => new()
    {
        PartitionKey = entity.PartitionKey,
        RowKey = entity.RowKey,
        ETag = entity.ETag,
        Timestamp = entity.Timestamp,
        ProbeId = entity.GetString(nameof(TargetEntity.ProbeId)) ?? entity.PartitionKey,
        Name = entity.GetString(nameof(TargetEntity.Name)) ?? "",
        Settings = entity.GetString(nameof(TargetEntity.Settings)) ?? "",
        FirstSampleAt = entity.GetDateTimeOffset(nameof(TargetEntity.FirstSampleAt))?.ToUniversalTime() ?? default,
        Incidents = entity.GetString(nameof(TargetEntity.Incidents)),
    };
}
