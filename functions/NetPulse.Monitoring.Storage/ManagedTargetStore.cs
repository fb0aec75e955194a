using Azure;
using Azure.Data.Tables;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>A managed target as stored, with the ETag a change must name (If-Match).</summary>
public sealed record StoredManagedTarget(ManagedTarget Target, string ETag);

/// <summary>A probe's managed list as stored: its version (the probe's ETag) and its targets in list order.</summary>
public sealed record ManagedTargetSnapshot(string ProbeId, string Version, DateTimeOffset UpdatedAt, IReadOnlyList<StoredManagedTarget> Targets)
{
    public ManagedTargetList ToList() => new() { ProbeId = ProbeId, Version = Version, Targets = [.. Targets.Select(t => t.Target)] };
}

/// <summary>What a change of a managed list did, or why it did nothing.</summary>
public enum ManagedTargetOutcome
{
    Done,

    /// <summary>No target of that name (or, for a first import, nothing wrong: see <see cref="AlreadyManaged"/>).</summary>
    NotFound,

    /// <summary>The If-Match ETag is not the target's current one: someone changed it since it was read.</summary>
    Stale,

    /// <summary>Another target has the name, ignoring case.</summary>
    NameTaken,

    /// <summary>The result would break <see cref="TargetListRules"/>: the problems say how.</summary>
    Invalid,

    /// <summary>A first import (the probe's own) found a managed list already.</summary>
    AlreadyManaged,
}

public enum ManagedTargetImportMode
{
    /// <summary>The imported targets become the list: targets not in the import are removed.</summary>
    Replace,

    /// <summary>Imported targets replace the same-named ones (ignoring case) and the rest are added; none is removed.</summary>
    Merge,
}

/// <summary>What an import changed, compared by name (ignoring case).</summary>
public sealed record ManagedTargetCounts(int Added, int Changed, int Removed, int Unchanged);

/// <summary>
/// The outcome of one change: the target as stored now (for a create or an update), the problems (for
/// <see cref="ManagedTargetOutcome.Invalid"/>: indexes are the import's, or null), and the list as it is now.
/// </summary>
public sealed record ManagedTargetChange(
    ManagedTargetOutcome Outcome,
    StoredManagedTarget? Target = null,
    IReadOnlyList<TargetProblem>? Problems = null,
    ManagedTargetSnapshot? List = null,
    ManagedTargetCounts? Counts = null);

/// <summary>
/// The managed targets table (issue 16: targets managed centrally): per probe one partition (PK the probe id) with one
/// list row and one row per target. The list row holds the list's <c>Version</c>, which every change replaces in the
/// same entity-group transaction as the target rows it changes (a conditional write on the list row's ETag, so two
/// changes never interleave), and the probe's every-minute fetch compares it in one point read.
/// </summary>
/// <remarks>
/// Target rows carry the list row's <c>Generation</c> in their key (<c>t|generation|targetKey</c>): an import, which may
/// hold more rows than one transaction (100), writes a new generation first and then switches the list row to it in one
/// conditional write, so a reader sees the old list or the new one, never a mixture; the old generation is deleted after.
/// Every list is checked with <see cref="TargetListRules"/> before it is written, so what is stored is always valid.
/// The probe's fetch compares its version with <see cref="CachedVersionAsync"/>: every change made through this store
/// drops the probe's cached version at once, and a change made on another instance is seen within
/// <see cref="ProbesOptions.TargetListCacheDuration"/>.
/// <para>
/// After every committed change the probe's signal blob is rewritten (<see cref="TargetListSignals"/>), table first: a
/// probe that sees the blob change always finds the change in the table. When the blob write fails the change stays
/// committed and the call throws <see cref="ProbeNotToldException"/> (the API answers 503), because a silent success would
/// leave the probe on the old list until its next full fetch. A retry of the same request re-raises the signal even when
/// it is refused or changes nothing (the change is there already), so retrying is what heals it; and the probe's
/// full signed fetch every Probe:Backend:FullFetchMinutes bounds how long a signal lost for good can hide a change.
/// </para>
/// </remarks>
public sealed class ManagedTargetStore
{
    internal const string ListRow = "list";
    private const string TargetRowPrefix = "t|";
    private const int TransactionActions = 100;

    /// <summary>Just after every target row key ('}' follows '|').</summary>
    private const string TargetRowsEnd = "t}";

    /// <summary>A change that loses a race re-reads and decides again; past this many tries the change fails.</summary>
    private const int MaxAttempts = 5;

    private readonly MonitoringTables _tables;
    private readonly TimeProvider _time;
    private readonly IOptions<LimitsOptions> _limits;
    private readonly IOptions<ProbesOptions> _probes;
    private readonly TargetListSignals _signals;

    /// <summary>Each probe's list version as last read (null: no managed list), for the every-minute fetch.</summary>
    private readonly ExpiringLru<string?> _versions;

    /// <summary>Probes whose signal blob this instance knows to exist: the fetch creates a missing one once.</summary>
    private readonly ExpiringLru<bool> _signalled;

    public ManagedTargetStore(
        MonitoringTables tables, TargetListSignals signals, TimeProvider time, IOptions<LimitsOptions> limits, IOptions<ProbesOptions> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        _tables = tables;
        _signals = signals;
        _time = time;
        _limits = limits;
        _probes = probes;
        _versions = new ExpiringLru<string?>(probes.Value.KeyCacheSize, time);
        _signalled = new ExpiringLru<bool>(probes.Value.KeyCacheSize, time);
    }

    /// <summary>How many probes' versions this instance holds; for tests of the bound.</summary>
    internal int CachedVersionCount => _versions.Count;

    /// <summary>The most targets a managed list holds: a batch with more is refused anyway (<see cref="LimitsOptions.MaxTargetsPerProbe"/>).</summary>
    public int MaxTargets => Math.Min(_limits.Value.MaxTargetsPerProbe, TargetListRules.MaxTargets);

    /// <summary>The list's version, null when the probe has no managed list: one point read.</summary>
    public async Task<string?> VersionAsync(string probeId, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var row = await _tables.ManagedTargets.GetEntityIfExistsAsync<ManagedTargetListEntity>(probeId, ListRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.Version : null;
    }

    /// <summary>
    /// The list's version (null when the probe has no managed list) as this instance last read it, at most
    /// <see cref="ProbesOptions.TargetListCacheDuration"/> ago and never older than a change made through this store:
    /// the probe's unchanged fetch costs no read.
    /// </summary>
    public async Task<string?> CachedVersionAsync(string probeId, CancellationToken cancellationToken)
    {
        if (_versions.TryGet(probeId, out var cached))
        {
            return cached;
        }

        var stamp = _versions.Stamp();
        var version = await VersionAsync(probeId, cancellationToken);
        _versions.Set(probeId, version, _probes.Value.TargetListCacheDuration, stamp);
        return version;
    }

    /// <summary>
    /// A URL that reads the probe's signal blob and nothing else (<see cref="TargetListSignals.ReadAccessAsync"/>), for the
    /// answer to its signed fetch. A probe whose list was last changed before signals existed gets its blob written here,
    /// with the version read fresh, once per instance.
    /// </summary>
    public async Task<Uri> SignalReadAccessAsync(string probeId, CancellationToken cancellationToken)
    {
        if (!_signalled.TryGet(probeId, out _))
        {
            var stamp = _signalled.Stamp();
            await _signals.CreateIfMissingAsync(probeId, await VersionAsync(probeId, cancellationToken), cancellationToken);
            _signalled.Set(probeId, true, TargetListSignals.ReadAccessLifetime, stamp);
        }

        return await _signals.ReadAccessAsync(probeId, cancellationToken);
    }

    /// <summary>The probe's managed list; null when it has none (it runs its own targets file).</summary>
    public async Task<ManagedTargetSnapshot?> GetAsync(string probeId, CancellationToken cancellationToken)
    {
        var stamp = _versions.Stamp();
        var (list, rows) = await ReadAsync(probeId, cancellationToken);

        // A full read is the freshest answer there is: the next fetch compares with it.
        _versions.Set(probeId, list?.Version, _probes.Value.TargetListCacheDuration, stamp);
        return list is null ? null : Snapshot(probeId, list, rows);
    }

    /// <summary>Adds a target; the first one makes the probe's list managed.</summary>
    public Task<ManagedTargetChange> AddAsync(string probeId, ManagedTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return EditAsync(probeId, (_, targets) =>
        {
            if (targets.FindIndex(t => Same(t.Name, target.Name)) >= 0)
            {
                return Edit.Refuse(ManagedTargetOutcome.NameTaken);
            }

            return new Edit(null, [.. targets, target], target);
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces target <paramref name="name"/> with <paramref name="target"/> (which may rename it) when
    /// <paramref name="ifMatch"/> is its current ETag (or "*").
    /// </summary>
    public Task<ManagedTargetChange> ReplaceAsync(string probeId, string name, string ifMatch, ManagedTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return EditAsync(probeId, (rows, targets) =>
        {
            var index = rows.FindIndex(r => r.Name == name);
            if (index < 0)
            {
                return Edit.Refuse(ManagedTargetOutcome.NotFound);
            }

            if (ifMatch != "*" && rows[index].ETag.ToString() != ifMatch)
            {
                return Edit.Refuse(ManagedTargetOutcome.Stale);
            }

            if (targets.Where((t, i) => i != index).Any(t => Same(t.Name, target.Name)))
            {
                return Edit.Refuse(ManagedTargetOutcome.NameTaken);
            }

            var next = targets.ToList();
            next[index] = target;
            return new Edit(rows[index], next, target);
        }, cancellationToken);
    }

    /// <summary>Deletes target <paramref name="name"/>; with <paramref name="ifMatch"/>, only while that is its ETag.</summary>
    public Task<ManagedTargetChange> DeleteAsync(string probeId, string name, string? ifMatch, CancellationToken cancellationToken) =>
        EditAsync(probeId, (rows, targets) =>
        {
            var index = rows.FindIndex(r => r.Name == name);
            if (index < 0)
            {
                return Edit.Refuse(ManagedTargetOutcome.NotFound);
            }

            if (ifMatch is not null and not "*" && rows[index].ETag.ToString() != ifMatch)
            {
                return Edit.Refuse(ManagedTargetOutcome.Stale);
            }

            var next = targets.ToList();
            next.RemoveAt(index);
            return new Edit(rows[index], next, null);
        }, cancellationToken);

    /// <summary>
    /// Writes <paramref name="imported"/> as the probe's list (<paramref name="mode"/>), all or nothing; problems carry the
    /// index in <paramref name="imported"/>. With <paramref name="firstOnly"/> (the probe moving itself to central
    /// management) only while the probe has no managed list.
    /// </summary>
    public async Task<ManagedTargetChange> ImportAsync(
        string probeId, IReadOnlyList<ManagedTarget> imported, ManagedTargetImportMode mode, bool firstOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var ownProblems = TargetListRules.Problems(imported, MaxTargets).ToList();
        if (ownProblems.Count > 0)
        {
            return new ManagedTargetChange(ManagedTargetOutcome.Invalid, Problems: ownProblems);
        }

        for (var attempt = 1; ; attempt++)
        {
            var (list, rows) = await ReadAsync(probeId, cancellationToken);
            if (firstOnly && list is not null)
            {
                // Perhaps the probe's own retry of an import whose signal failed: tell it again.
                await SignalAsync(probeId, list.Version, cancellationToken);
                return new ManagedTargetChange(ManagedTargetOutcome.AlreadyManaged, List: Snapshot(probeId, list, rows));
            }

            var current = rows.Select(r => r.ToTarget()).ToList();
            var (next, fromImport) = Merge(current, imported, mode);
            var problems = TargetListRules.Problems(next, MaxTargets)
                .Select(p => p with { Index = p.Index is { } i && fromImport[i] is { } source ? source : null })
                .ToList();
            if (problems.Count > 0)
            {
                return new ManagedTargetChange(ManagedTargetOutcome.Invalid, Problems: problems);
            }

            var counts = Count(current, next);
            if (list is not null && current.SequenceEqual(next))
            {
                await SignalAsync(probeId, list.Version, cancellationToken);
                return new ManagedTargetChange(ManagedTargetOutcome.Done, List: Snapshot(probeId, list, rows), Counts: counts);
            }

            if (await TryWriteGenerationAsync(probeId, list, next, cancellationToken) is { } written)
            {
                return new ManagedTargetChange(ManagedTargetOutcome.Done, List: written, Counts: counts);
            }

            if (attempt == MaxAttempts)
            {
                throw new InvalidOperationException($"the managed targets of probe '{probeId}' changed {MaxAttempts} times while an import was written; try again");
            }
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static (List<ManagedTarget> Next, List<int?> FromImport) Merge(
        List<ManagedTarget> current, IReadOnlyList<ManagedTarget> imported, ManagedTargetImportMode mode)
    {
        if (mode == ManagedTargetImportMode.Replace)
        {
            return ([.. imported], [.. imported.Select((_, i) => (int?)i)]);
        }

        var next = current.ToList();
        var fromImport = current.Select(_ => (int?)null).ToList();
        for (var i = 0; i < imported.Count; i++)
        {
            var at = next.FindIndex(t => Same(t.Name, imported[i].Name));
            if (at >= 0)
            {
                next[at] = imported[i];
                fromImport[at] = i;
            }
            else
            {
                next.Add(imported[i]);
                fromImport.Add(i);
            }
        }

        return (next, fromImport);
    }

    private static ManagedTargetCounts Count(List<ManagedTarget> current, List<ManagedTarget> next)
    {
        var before = current.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var after = next.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var added = next.Count(t => !before.ContainsKey(t.Name));
        var unchanged = next.Count(t => before.TryGetValue(t.Name, out var old) && old == t);
        var changed = next.Count - added - unchanged;
        return new ManagedTargetCounts(added, changed, current.Count(t => !after.Contains(t.Name)), unchanged);
    }

    /// <summary>A single-target change, decided on a fresh read and committed with the list row, retried when it loses a race.</summary>
    private async Task<ManagedTargetChange> EditAsync(
        string probeId, Func<List<ManagedTargetEntity>, List<ManagedTarget>, Edit> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (list, rows) = await ReadAsync(probeId, cancellationToken);
            var targets = rows.Select(r => r.ToTarget()).ToList();
            var edit = decide(rows, targets);
            if (edit.Refusal is { } refusal)
            {
                if (list is not null)
                {
                    // Perhaps the retry of a change whose signal failed (now refused: it is there already): tell the probe again.
                    await SignalAsync(probeId, list.Version, cancellationToken);
                }

                return new ManagedTargetChange(refusal, List: list is null ? null : Snapshot(probeId, list, rows));
            }

            if (edit.Target is not null)
            {
                // The stored list is valid, so whatever is wrong now is this change's doing (an uplink elsewhere included).
                var problems = TargetListRules.Problems(edit.Next, MaxTargets).ToList();
                if (problems.Count > 0)
                {
                    return new ManagedTargetChange(ManagedTargetOutcome.Invalid, Problems: [.. problems.Select(p => p with { Index = null })]);
                }
            }

            var now = _time.GetUtcNow();
            var generation = list?.Generation ?? NewId();
            var nextList = new ManagedTargetListEntity
            {
                PartitionKey = probeId,
                RowKey = ListRow,
                Version = NewId(),
                Generation = generation,
                NextPosition = (list?.NextPosition ?? 0) + 1,
                Count = edit.Next.Count,
                UpdatedAt = now,
            };
            var actions = new List<TableTransactionAction>();
            ManagedTargetEntity? written = null;
            if (edit.Old is { } old && (edit.Target is null || TableKeys.TargetKey(edit.Target.Name) != TableKeys.TargetKey(old.Name)))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, old, old.ETag));
            }

            if (edit.Target is { } target)
            {
                written = ManagedTargetEntity.Of(probeId, generation, target, edit.Old?.Position ?? list?.NextPosition ?? 0);
                var replacing = edit.Old is { } same && same.RowKey == written.RowKey;
                actions.Add(replacing
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, written, edit.Old!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, written));
            }

            actions.Add(list is null
                ? new TableTransactionAction(TableTransactionActionType.Add, nextList)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, nextList, list.ETag));
            try
            {
                Response<IReadOnlyList<Response>> response;
                try
                {
                    response = await _tables.ManagedTargets.SubmitTransactionAsync(actions, cancellationToken);
                }
                finally
                {
                    // Even a failed or cancelled commit may have landed: the next fetch reads the version again.
                    _versions.Invalidate(probeId);
                }

                await SignalAsync(probeId, nextList.Version, cancellationToken);
                StoredManagedTarget? stored = null;
                if (written is not null)
                {
                    var etag = response.Value[actions.FindIndex(a => ReferenceEquals(a.Entity, written))].Headers.ETag;
                    stored = etag is { } e
                        ? new StoredManagedTarget(written.ToTarget(), e.ToString())
                        : await GetTargetAsync(probeId, generation, written.Name, cancellationToken);
                }

                return new ManagedTargetChange(ManagedTargetOutcome.Done, stored, List: await GetAsync(probeId, cancellationToken));
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another change came first (the list row's ETag moved, or a row appeared): read again and decide again.
            }
        }
    }

    /// <summary>Rewrites the probe's signal blob after a committed change; its failure is the caller's, named as such.</summary>
    private async Task SignalAsync(string probeId, string version, CancellationToken cancellationToken)
    {
        try
        {
            await _signals.RaiseAsync(probeId, version, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeNotToldException(probeId, version, ex);
        }
    }

    private async Task<StoredManagedTarget?> GetTargetAsync(string probeId, string generation, string name, CancellationToken cancellationToken)
    {
        var row = await _tables.ManagedTargets.GetEntityIfExistsAsync<ManagedTargetEntity>(
            probeId, ManagedTargetEntity.Row(generation, name), cancellationToken: cancellationToken);
        return row.HasValue ? new StoredManagedTarget(row.Value!.ToTarget(), row.Value.ETag.ToString()) : null;
    }

    /// <summary>Writes <paramref name="targets"/> as a new generation and switches the list row to it; null when another change switched it first.</summary>
    private async Task<ManagedTargetSnapshot?> TryWriteGenerationAsync(
        string probeId, ManagedTargetListEntity? list, List<ManagedTarget> targets, CancellationToken cancellationToken)
    {
        var generation = NewId();
        var rows = targets.Select((t, i) => ManagedTargetEntity.Of(probeId, generation, t, i)).ToList();
        foreach (var chunk in rows.Chunk(TransactionActions))
        {
            await _tables.ManagedTargets.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
        }

        var nextList = new ManagedTargetListEntity
        {
            PartitionKey = probeId,
            RowKey = ListRow,
            Version = NewId(),
            Generation = generation,
            NextPosition = rows.Count,
            Count = rows.Count,
            UpdatedAt = _time.GetUtcNow(),
        };
        try
        {
            if (list is null)
            {
                await _tables.ManagedTargets.AddEntityAsync(nextList, cancellationToken);
            }
            else
            {
                await _tables.ManagedTargets.UpdateEntityAsync(nextList, list.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            await DeleteRowsAsync(probeId, r => r.RowKey.StartsWith(GenerationPrefix(generation), StringComparison.Ordinal), cancellationToken);
            return null;
        }
        finally
        {
            // The switch is the change the probe must see; even one that failed or was cancelled may have landed.
            _versions.Invalidate(probeId);
        }

        await SignalAsync(probeId, nextList.Version, cancellationToken);

        // The old generation, and any left by an import that failed half-way, are no longer read: delete them.
        await DeleteRowsAsync(probeId, r => !r.RowKey.StartsWith(GenerationPrefix(generation), StringComparison.Ordinal), cancellationToken);
        return await GetAsync(probeId, cancellationToken);
    }

    private async Task DeleteRowsAsync(string probeId, Func<TableEntity, bool> which, CancellationToken cancellationToken)
    {
        var doomed = new List<TableEntity>();
        await foreach (var row in _tables.ManagedTargets.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {probeId} and RowKey ge {TargetRowPrefix} and RowKey lt {TargetRowsEnd}"),
                           select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (which(row))
            {
                doomed.Add(row);
            }
        }

        foreach (var chunk in doomed.Chunk(TransactionActions))
        {
            await _tables.ManagedTargets.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
        }
    }

    private async Task<(ManagedTargetListEntity? List, List<ManagedTargetEntity> Rows)> ReadAsync(string probeId, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var list = await _tables.ManagedTargets.GetEntityIfExistsAsync<ManagedTargetListEntity>(probeId, ListRow, cancellationToken: cancellationToken);
        if (!list.HasValue)
        {
            return (null, []);
        }

        var prefix = GenerationPrefix(list.Value!.Generation);
        var rows = new List<ManagedTargetEntity>();
        await foreach (var row in _tables.ManagedTargets.QueryAsync<ManagedTargetEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {probeId} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}"),
                           cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        rows.Sort((a, b) => a.Position.CompareTo(b.Position));
        return (list.Value, rows);
    }

    private static ManagedTargetSnapshot Snapshot(string probeId, ManagedTargetListEntity list, List<ManagedTargetEntity> rows) =>
        new(probeId, list.Version, list.UpdatedAt, [.. rows.Select(r => new StoredManagedTarget(r.ToTarget(), r.ETag.ToString()))]);

    internal static string GenerationPrefix(string generation) => string.Concat(TargetRowPrefix, generation, "|");

    private static string NewId() => Guid.NewGuid().ToString("N")[..16];

    /// <summary>A decided single-target change: the row it replaces or deletes, the list after it, the target to write.</summary>
    private sealed record Edit(ManagedTargetEntity? Old, List<ManagedTarget> Next, ManagedTarget? Target)
    {
        public ManagedTargetOutcome? Refusal { get; private init; }

        public static Edit Refuse(ManagedTargetOutcome outcome) => new(null, [], null) { Refusal = outcome };
    }
}

/// <summary>A probe's managed list row (PK probe id, RK "list").</summary>
internal sealed class ManagedTargetListEntity : MonitoringEntity
{
    /// <summary>Replaced by every change: the list's ETag towards the probe.</summary>
    public string Version { get; set; } = "";

    /// <summary>Which target rows are the list (<c>t|generation|…</c>); an import switches it.</summary>
    public string Generation { get; set; } = "";

    /// <summary>Position of the next target added: list order is the order targets were added or imported in.</summary>
    public long NextPosition { get; set; }

    public int Count { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One managed target (PK probe id, RK <c>t|generation|targetKey</c>).</summary>
internal sealed class ManagedTargetEntity : MonitoringEntity
{
    public string Name { get; set; } = "";

    /// <summary>The target's <see cref="TargetSettings"/> as JSON (<see cref="TargetSettings.ToJson"/>).</summary>
    public string Settings { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public int? TimeoutMs { get; set; }

    public long Position { get; set; }

    public static string Row(string generation, string name) => ManagedTargetStore.GenerationPrefix(generation) + TableKeys.TargetKey(name);

    public static ManagedTargetEntity Of(string probeId, string generation, ManagedTarget target, long position) => new()
    {
        PartitionKey = probeId,
        RowKey = Row(generation, target.Name),
        Name = target.Name,
        Settings = target.ToJson(),
        Enabled = target.Enabled,
        TimeoutMs = target.TimeoutMs,
        Position = position,
    };

    public ManagedTarget ToTarget() => new(TargetSettings.FromJson(Settings), Enabled, TimeoutMs);
}

/// <summary>
/// A change of probe <see cref="ProbeId"/>'s list is stored (as <see cref="Version"/>), but its signal blob could not be
/// rewritten, so the probe will not notice before its next full fetch. Sending the same request again tells it.
/// </summary>
public sealed class ProbeNotToldException(string probeId, string version, Exception inner) : Exception(
    $"the change is stored (list version {version}), but probe '{probeId}' could not be told of it ({inner.Message.Split('\n')[0]}); "
    + "send the same request again to tell it (a retry changes nothing twice), or the probe finds the change at its next full fetch", inner)
{
    public string ProbeId { get; } = probeId;

    public string Version { get; } = version;
}
