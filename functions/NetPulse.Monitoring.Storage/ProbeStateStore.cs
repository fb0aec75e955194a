using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using NetPulse.Contracts;

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

    /// <summary>The status the probe's row keeps (the last meaningful one, <see cref="ProbeStatusJson.ChangedMeaningfully"/>).</summary>
    public ProbeStatus? Status { get; set; }

    /// <summary>When the probe was retired; null when it is not.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public Dictionary<string, TargetEntity> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Publications of a committed change not yet finished: while there are any, nothing else commits.</summary>
    public List<PublicationEntity> Publications { get; } = [];

    public DateTimeOffset LoadedAt { get; init; }
}

/// <summary>
/// What one decision changes in a probe's partition, written at once and only if nothing changed there since the
/// state it was decided on was read (<see cref="ProbeStateStore.TryCommitAsync"/>).
/// </summary>
internal sealed class ProbeCommit
{
    public IReadOnlyCollection<TargetEntity> Targets { get; init; } = [];

    public IReadOnlyCollection<DateTimeOffset> DirtyHours { get; init; } = [];

    /// <summary>The incidents to write and alerts to raise once committed (see <see cref="PublicationEntity"/>).</summary>
    public IReadOnlyList<PublicationEntity> Publications { get; init; } = [];

    /// <summary>Marks finished incidents as waiting for a summary, the earliest starting then; null leaves the mark as it is.</summary>
    public DateTimeOffset? SummaryPendingFrom { get; init; }

    /// <summary>Clears the pending-summary mark (the summary is among the publications).</summary>
    public bool ClearSummaryPending { get; init; }

    /// <summary>The probe's status to keep on its row, riding along with a write made anyway; null leaves it.</summary>
    public ProbeStatus? Status { get; init; }

    /// <summary>Brings a retired probe back (a batch with rounds after its retirement came).</summary>
    public bool Unretire { get; init; }
}

/// <summary>
/// Reads and writes a probe's partition of the targets table: its row, its targets, its compaction markers and the
/// publications of its committed changes.
/// </summary>
/// <remarks>
/// <para>
/// Several instances ingest at once, each with its own memory, so the probe's row is the partition's version: every
/// change of detection state (<see cref="TryCommitAsync"/>) writes it, conditionally on the ETag it was read with, in
/// the same transaction as the target rows. A conflict writes nothing and the caller decides again on what the
/// table holds.
/// </para>
/// <para>
/// Ingestion keeps what it read in memory (at most <see cref="LimitsOptions.MaxCachedProbes"/> probes, least
/// recently used dropped first, each for at most <see cref="StorageOptions.ProbeStateCacheDuration"/>) and checks it
/// per batch with one point read of the probe's row: a row whose ETag is unchanged means the copy is current, so a
/// steady stream of batches reads the whole partition only after someone else wrote it.
/// </para>
/// </remarks>
internal sealed class ProbeStateStore : IDisposable
{
    private const int MaxActionsPerTransaction = 100;
    private static readonly string[] KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];
    private static readonly string[] ProbeIdOnly = [nameof(ProbeEntity.ProbeId)];

    private readonly MonitoringTables tables;
    private readonly TimeProvider time;
    private readonly TimeSpan _cacheDuration;
    private readonly MemoryCache _cache;

    public ProbeStateStore(MonitoringTables tables, IOptions<StorageOptions> options, IOptions<LimitsOptions> limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        this.tables = tables;
        this.time = time;
        _cacheDuration = options.Value.ProbeStateCacheDuration;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limits.Value.MaxCachedProbes });
    }

    /// <summary>Probes whose state this instance holds in memory now.</summary>
    public int CachedProbeCount => _cache.Count;

    public void Dispose() => _cache.Dispose();

    /// <summary>
    /// The probe's state as stored now: the copy in memory when the probe's row is unchanged since it was read (one
    /// point read), else the whole partition.
    /// </summary>
    public async Task<ProbeState> GetAsync(string probeId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(probeId, out ProbeState? cached) && cached is not null && time.GetUtcNow() - cached.LoadedAt < _cacheDuration)
        {
            await tables.EnsureCreatedAsync(cancellationToken);
            var row = await tables.Targets.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.TargetsPartition(probeId), TableKeys.ProbeRow, ProbeIdOnly, cancellationToken);
            if (row.HasValue == cached.ProbeRowExists && (!row.HasValue || row.Value!.ETag == cached.ProbeRowETag))
            {
                return cached;
            }
        }

        var state = await ReadAsync(probeId, cancellationToken);
        _cache.Set(probeId, state, new MemoryCacheEntryOptions { Size = 1 });
        return state;
    }

    public void Forget(string probeId) => _cache.Remove(probeId);

    /// <summary>The probe's own row as the table holds it now (not the cache); null when no batch ever came from it.</summary>
    public async Task<ProbeEntity?> ReadProbeRowAsync(string probeId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Targets.GetEntityIfExistsAsync<ProbeEntity>(
            TableKeys.TargetsPartition(probeId), TableKeys.ProbeRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// <paramref name="listed"/> with its probe row as the table holds it now (one point read) and its targets as they
    /// were listed; null when the row is gone. For a reader that only needs the row to be current (the watchdog).
    /// </summary>
    public async Task<ProbeState?> WithCurrentProbeRowAsync(ProbeState listed, CancellationToken cancellationToken)
    {
        var row = await tables.Targets.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.TargetsPartition(listed.ProbeId), TableKeys.ProbeRow, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var state = new ProbeState { ProbeId = listed.ProbeId, LoadedAt = time.GetUtcNow() };
        Apply(state, row.Value!);
        foreach (var (name, target) in listed.Targets)
        {
            state.Targets[name] = target;
        }

        return state;
    }

    /// <summary>True when a batch of the probe ever named the target: one keys-only point read.</summary>
    public async Task<bool> TargetExistsAsync(string probeId, string targetName, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Targets.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.TargetsPartition(probeId), TableKeys.TargetRow(TableKeys.TargetKey(targetName)), select: KeysOnly, cancellationToken);
        return row.HasValue;
    }

    /// <summary>
    /// Writes <paramref name="commit"/> if the partition is as <paramref name="state"/> read it: the probe's row
    /// conditionally on its ETag (added if new), target rows on theirs, publications added, in one transaction
    /// (one per hundred rows; the probe's row and publications come first). False on a conflict, with the copy in
    /// memory dropped: nothing was written, unless the commit needed more than one transaction.
    /// </summary>
    public async Task<bool> TryCommitAsync(ProbeState state, ProbeCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(commit);
        var partition = TableKeys.TargetsPartition(state.ProbeId);
        var summaryFrom = commit.SummaryPendingFrom is { } from && state.SummaryPending && state.SummaryPendingFrom is { } known && known < from ? known : commit.SummaryPendingFrom;
        var summarySince = state.SummaryPending ? state.SummaryPendingSince : time.GetUtcNow();
        var probeRow = new ProbeEntity { PartitionKey = partition, RowKey = TableKeys.ProbeRow, ProbeId = state.ProbeId };
        if (commit.ClearSummaryPending)
        {
            probeRow.SummaryPending = false;
        }
        else if (summaryFrom is not null)
        {
            (probeRow.SummaryPending, probeRow.SummaryPendingFrom, probeRow.SummaryPendingSince) = (true, summaryFrom, summarySince);
        }

        probeRow.Status = ProbeStatusJson.ToJson(commit.Status);
        probeRow.Retired = commit.Unretire ? false : null;

        // Merge: compaction and the watchdog keep their own properties on the probe's row.
        var actions = new List<TableTransactionAction>
        {
            state.ProbeRowExists
                ? new TableTransactionAction(TableTransactionActionType.UpdateMerge, probeRow, state.ProbeRowETag)
                : new TableTransactionAction(TableTransactionActionType.Add, probeRow),
        };
        actions.AddRange(commit.Publications.Select(p => new TableTransactionAction(TableTransactionActionType.Add, p)));
        actions.AddRange(commit.Targets.Select(t => state.Targets.TryGetValue(t.Name, out var read) && read.ETag != default
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, t, read.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, t)));
        actions.AddRange(commit.DirtyHours.Distinct().Select(hour => new TableTransactionAction(
            TableTransactionActionType.UpsertReplace,
            new DirtyHourEntity { PartitionKey = partition, RowKey = TableKeys.DirtyHourRow(hour), Hour = hour })));

        if (!await TrySubmitAsync(state, actions, cancellationToken))
        {
            return false;
        }

        state.ProbeRowExists = true;
        state.ProbeRowETag = probeRow.ETag;
        state.Status = commit.Status ?? state.Status;
        state.RetiredAt = commit.Unretire ? null : state.RetiredAt;
        if (commit.ClearSummaryPending)
        {
            state.SummaryPending = false;
        }
        else if (summaryFrom is not null)
        {
            (state.SummaryPending, state.SummaryPendingFrom, state.SummaryPendingSince) = (true, summaryFrom, summarySince);
        }

        foreach (var target in commit.Targets)
        {
            state.Targets[target.Name] = target;
        }

        state.Publications.AddRange(commit.Publications);
        return true;
    }

    /// <summary>
    /// Keeps a meaningfully changed status on the probe's row, and brings a retired probe back, when no commit did it:
    /// one merge, conditional on the ETag the state was read with, so this instance's copy stays current (a conflict
    /// writes nothing; the next batch tries again). False on a conflict.
    /// </summary>
    public async Task<bool> TryUpdateProbeRowAsync(ProbeState state, ProbeStatus? status, bool unretire, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.ProbeRowExists)
        {
            return false;
        }

        var row = new ProbeEntity
        {
            PartitionKey = TableKeys.TargetsPartition(state.ProbeId),
            RowKey = TableKeys.ProbeRow,
            ProbeId = state.ProbeId,
            Status = ProbeStatusJson.ToJson(status),
            Retired = unretire ? false : null,
        };
        try
        {
            var response = await tables.Targets.UpdateEntityAsync(row, state.ProbeRowETag, TableUpdateMode.Merge, cancellationToken);
            state.ProbeRowETag = response.Headers.ETag ?? state.ProbeRowETag;
            state.Status = status ?? state.Status;
            state.RetiredAt = unretire ? null : state.RetiredAt;
            return true;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            Forget(state.ProbeId);
            return false;
        }
    }

    /// <summary>
    /// Retires the probe (or brings it back, <paramref name="retired"/> false): an unconditional merge of its row, whose
    /// new ETag makes every instance read the partition again. False when no batch ever came from it (no row).
    /// </summary>
    public async Task<bool> SetProbeRetiredAsync(string probeId, bool retired, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = new ProbeEntity
        {
            PartitionKey = TableKeys.TargetsPartition(probeId),
            RowKey = TableKeys.ProbeRow,
            ProbeId = probeId,
            Retired = retired,
            RetiredAt = retired ? time.GetUtcNow() : null,
        };
        try
        {
            await tables.Targets.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }

        Forget(probeId);
        return true;
    }

    /// <summary>
    /// Retires a target (or brings it back): its row replaced with the mark, conditionally on its ETag, with the probe's
    /// row touched in the same transaction so ingestion's copies are read again and never write the mark away. Read
    /// again and retried on a conflict. False when the probe never named the target.
    /// </summary>
    public async Task<bool> SetTargetRetiredAsync(string probeId, string targetName, bool retired, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await ReadAsync(probeId, cancellationToken);
            if (!state.ProbeRowExists || !state.Targets.TryGetValue(targetName, out var target))
            {
                return false;
            }

            var marked = target.Copy();
            marked.RetiredAt = retired ? time.GetUtcNow() : null;
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateReplace, marked, target.ETag),
                new(TableTransactionActionType.UpdateMerge, new ProbeEntity { PartitionKey = TableKeys.TargetsPartition(probeId), RowKey = TableKeys.ProbeRow, ProbeId = probeId }, state.ProbeRowETag),
            ];
            if (await TrySubmitAsync(state, actions, cancellationToken))
            {
                Forget(probeId);
                return true;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"target '{targetName}' of probe {probeId}: its probe's state changed while it was being retired, 5 times in a row; try again");
            }
        }
    }

    /// <summary>
    /// Notes hours that got rounds after compaction may have passed them (upserts, in one transaction per hundred):
    /// markers change no decision, so they need no condition and leave the probe's row, and every copy of it, alone.
    /// </summary>
    public async Task MarkDirtyHoursAsync(string probeId, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken)
    {
        var partition = TableKeys.TargetsPartition(probeId);
        foreach (var chunk in hours.Distinct().Chunk(MaxActionsPerTransaction))
        {
            await tables.Targets.SubmitTransactionAsync(
                chunk.Select(hour => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    new DirtyHourEntity { PartitionKey = partition, RowKey = TableKeys.DirtyHourRow(hour), Hour = hour })),
                cancellationToken);
        }
    }

    /// <summary>
    /// Takes over publications that another instance committed and never finished (it stopped): they are stamped
    /// with this instance's time, conditionally on their ETags, so two instances cannot both take them. False when
    /// someone else finished or took them first.
    /// </summary>
    public async Task<bool> TryClaimPublicationsAsync(ProbeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var now = time.GetUtcNow();
        var actions = state.Publications
            .Select(p =>
            {
                var claimed = Copy(p);
                claimed.CommittedAt = now;
                return new TableTransactionAction(TableTransactionActionType.UpdateReplace, claimed, p.ETag);
            })
            .Append(ProbeRowTouch(state))
            .ToList();
        if (!await TrySubmitAsync(state, actions, cancellationToken))
        {
            return false;
        }

        var claimedRows = actions.Select(a => a.Entity).OfType<PublicationEntity>().ToList();
        state.Publications.Clear();
        state.Publications.AddRange(claimedRows);
        state.ProbeRowETag = actions[^1].Entity.ETag;
        return true;
    }

    /// <summary>
    /// Deletes the publications once their incidents are written and alerts queued, conditionally on their ETags: an
    /// instance that took them over meanwhile (this one was too slow) finishes them instead.
    /// </summary>
    public async Task FinishPublishingAsync(ProbeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Publications.Count == 0)
        {
            return;
        }

        var actions = state.Publications
            .Select(p => new TableTransactionAction(TableTransactionActionType.Delete, p, p.ETag))
            .Append(ProbeRowTouch(state))
            .ToList();
        if (await TrySubmitAsync(state, actions, cancellationToken))
        {
            state.Publications.Clear();
            state.ProbeRowETag = actions[^1].Entity.ETag;
        }
    }

    /// <summary>The probe's row, targets and pending publications as stored now (compaction markers and name counts left out).</summary>
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
    /// An unconditional merge of nothing into the probe's row: its ETag changes, so every instance's copy of the
    /// partition is read again. Last in its transaction, so the new ETag means the whole change is there.
    /// </summary>
    private static TableTransactionAction ProbeRowTouch(ProbeState state) => new(
        TableTransactionActionType.UpsertMerge,
        new ProbeEntity { PartitionKey = TableKeys.TargetsPartition(state.ProbeId), RowKey = TableKeys.ProbeRow, ProbeId = state.ProbeId });

    /// <summary>
    /// Submits the actions, a hundred per transaction, and gives each written entity its new ETag. False, with the
    /// copy in memory dropped, when a condition failed (412) or a row to add exists (409) or a row to delete is gone (404).
    /// </summary>
    private async Task<bool> TrySubmitAsync(ProbeState state, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var chunk in actions.Chunk(MaxActionsPerTransaction))
            {
                var responses = (await tables.Targets.SubmitTransactionAsync(chunk, cancellationToken)).Value;
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (chunk[i].ActionType != TableTransactionActionType.Delete && responses[i].Headers.ETag is { } etag)
                    {
                        chunk[i].Entity.ETag = etag;
                    }
                }
            }

            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            Forget(state.ProbeId);
            return false;
        }
    }

    private static PublicationEntity Copy(PublicationEntity p) => new()
    {
        PartitionKey = p.PartitionKey,
        RowKey = p.RowKey,
        ProbeId = p.ProbeId,
        Incident = p.Incident,
        Delete = p.Delete,
        Alert = p.Alert,
        Order = p.Order,
        CommittedAt = p.CommittedAt,
    };

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
            state.Status = ProbeStatusJson.FromJson(entity.GetString(nameof(ProbeEntity.Status)));
            state.RetiredAt = entity.GetBoolean(nameof(ProbeEntity.Retired)) == true
                ? entity.GetDateTimeOffset(nameof(ProbeEntity.RetiredAt))?.ToUniversalTime() ?? DateTimeOffset.MinValue
                : null;
            state.ProbeRowETag = entity.ETag;
        }
        else if (entity.RowKey.StartsWith(TableKeys.TargetRowPrefix, StringComparison.Ordinal))
        {
            var target = ToTarget(entity);
            state.Targets[target.Name] = target;
        }
        else if (entity.RowKey.StartsWith(TableKeys.PublicationRowPrefix, StringComparison.Ordinal))
        {
            state.Publications.Add(ToPublication(entity));
        }
    }

    private static PublicationEntity ToPublication(TableEntity entity) => new()
    {
        PartitionKey = entity.PartitionKey,
        RowKey = entity.RowKey,
        ETag = entity.ETag,
        ProbeId = entity.GetString(nameof(PublicationEntity.ProbeId)) ?? entity.PartitionKey,
        Incident = entity.GetString(nameof(PublicationEntity.Incident)) ?? "",
        Delete = entity.GetBoolean(nameof(PublicationEntity.Delete)) ?? false,
        Alert = entity.GetString(nameof(PublicationEntity.Alert)),
        Order = entity.GetInt32(nameof(PublicationEntity.Order)) ?? 0,
        CommittedAt = entity.GetDateTimeOffset(nameof(PublicationEntity.CommittedAt))?.ToUniversalTime() ?? default,
    };

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
        RetiredAt = entity.GetDateTimeOffset(nameof(TargetEntity.RetiredAt))?.ToUniversalTime(),
    };
}
