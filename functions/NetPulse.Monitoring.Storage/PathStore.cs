using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>A stored path snapshot: its id in the API (<see cref="PathIds"/>), whose it is, and the snapshot as the probe sent it.</summary>
public sealed record StoredPath(string Id, string ProbeId, string TargetName, PathSnapshot Snapshot)
{
    /// <summary>Why it was taken; snapshots of probes older than the field count as trouble, as the contract says.</summary>
    public PathSnapshotReason Reason => Snapshot.Reason ?? PathSnapshotReason.Trouble;
}

/// <summary>One TTL whose answering router changed: what the established path had there and what answers now.</summary>
public sealed record RouteHopChange(int Ttl, string OldAddress, string NewAddress);

/// <summary>
/// A route change: from <see cref="FirstSeenAt"/> the snapshots of a target answered from other routers at
/// <see cref="Hops"/> than the established path (<see cref="BaselineId"/>), until <see cref="SnapshotId"/> (taken at
/// <see cref="ConfirmedAt"/>) made the run long enough to count.
/// </summary>
public sealed record RouteChange(
    string ProbeId,
    string TargetName,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset ConfirmedAt,
    string BaselineId,
    string SnapshotId,
    IReadOnlyList<RouteHopChange> Hops);

/// <summary>A snapshot's id in the API: its start time in UTC to the tick, "20261206T191702.1234567Z", unique per target.</summary>
public static class PathIds
{
    private const string Format = "yyyyMMdd'T'HHmmss'.'fffffff'Z'";

    public static string Of(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The start time an id names; false for anything <see cref="Of"/> cannot have made.</summary>
    public static bool TryParse(string? id, out DateTimeOffset startedAt)
    {
        startedAt = default;
        if (id is not { Length: 24 } || !DateTime.TryParseExact(id, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        startedAt = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }
}

/// <summary>
/// The paths table: per probe and target one partition (<see cref="TableKeys.PathPartition"/>) holding each snapshot
/// ("s|" + inverted start), a copy of each baseline ("b|" + inverted start, so the latest baseline before a moment is
/// a one-row read) and the recorded route changes ("c|" + inverted time of the confirming snapshot). Rows are keyed by
/// the snapshot's own start time, so storing a batch again writes the same rows with the same content: a replay adds
/// nothing. A snapshot travels as its JSON in one binary column; the contract bounds it (64 hops, 9 addresses a hop)
/// well under a property's 64 KiB, and <see cref="StoreAsync"/> refuses one that would not fit rather than cut it.
/// </summary>
public sealed class PathStore(MonitoringTables tables)
{
    /// <summary>A binary property holds at most 64 KiB.</summary>
    public const int MaxSnapshotBytes = 64 * 1024;

    /// <summary>The most snapshots one read returns.</summary>
    public const int MaxRead = 500;

    /// <summary>
    /// Stores a snapshot of <paramref name="probeId"/> under <paramref name="targetName"/> in one transaction (its row,
    /// and its baseline copy); false, storing nothing, when its JSON is over <see cref="MaxSnapshotBytes"/>.
    /// </summary>
    public async Task<bool> StoreAsync(string probeId, string targetName, PathSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, PathJsonContext.Default.PathSnapshot);
        if (json.Length > MaxSnapshotBytes)
        {
            return false;
        }

        var partition = TableKeys.PathPartition(probeId, targetName);
        PathSnapshotEntity Row(string prefix) => new()
        {
            PartitionKey = partition,
            RowKey = TableKeys.PathRow(prefix, snapshot.StartedAt),
            ProbeId = probeId,
            TargetName = targetName,
            StartedAt = snapshot.StartedAt.ToUniversalTime(),
            Reason = (snapshot.Reason ?? PathSnapshotReason.Trouble).ToString(),
            ReachedDestination = snapshot.ReachedDestination,
            HopCount = snapshot.Hops.Count,
            Snapshot = json,
        };

        await tables.EnsureCreatedAsync(cancellationToken);
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpsertReplace, Row(TableKeys.PathRowPrefix))];
        if (snapshot.Reason == PathSnapshotReason.Baseline)
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, Row(TableKeys.BaselineRowPrefix)));
        }

        await tables.Paths.SubmitTransactionAsync(actions, cancellationToken);
        return true;
    }

    /// <summary>The snapshots of a target started in [<paramref name="from"/>, <paramref name="to"/>], newest first, at most <paramref name="max"/>.</summary>
    public Task<IReadOnlyList<StoredPath>> ListAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken) =>
        ReadAsync(probeId, targetName, TableKeys.PathRowPrefix, from, to, max, cancellationToken);

    /// <summary>The snapshot of a target that started at <paramref name="startedAt"/>; null when there is none.</summary>
    public async Task<StoredPath?> GetAsync(string probeId, string targetName, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Paths.GetEntityIfExistsAsync<PathSnapshotEntity>(
            TableKeys.PathPartition(probeId, targetName), TableKeys.PathRow(TableKeys.PathRowPrefix, startedAt), cancellationToken: cancellationToken);
        return row.HasValue ? ToStored(row.Value!) : null;
    }

    /// <summary>The latest baseline of a target started before <paramref name="before"/>; null when there is none.</summary>
    public async Task<StoredPath?> LatestBaselineAsync(string probeId, string targetName, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var found = await ReadAsync(probeId, targetName, TableKeys.BaselineRowPrefix, DateTimeOffset.MinValue, before.AddTicks(-1), 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Records a route change; recording the same one again (a replay) writes the same row.</summary>
    public async Task RecordRouteChangeAsync(RouteChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await tables.EnsureCreatedAsync(cancellationToken);
        var entity = new RouteChangeEntity
        {
            PartitionKey = TableKeys.PathPartition(change.ProbeId, change.TargetName),
            RowKey = TableKeys.PathRow(TableKeys.RouteChangeRowPrefix, change.ConfirmedAt),
            ProbeId = change.ProbeId,
            TargetName = change.TargetName,
            FirstSeenAt = change.FirstSeenAt.ToUniversalTime(),
            ConfirmedAt = change.ConfirmedAt.ToUniversalTime(),
            Change = JsonSerializer.Serialize(change, PathJsonContext.Default.RouteChange),
        };
        await tables.Paths.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The route changes of a target confirmed in [<paramref name="from"/>, <paramref name="to"/>], newest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<RouteChange>> RouteChangesAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var changes = new List<RouteChange>();
        await foreach (var entity in tables.Paths.QueryAsync<RouteChangeEntity>(
            RangeFilter(probeId, targetName, TableKeys.RouteChangeRowPrefix, from, to), maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken))
        {
            if (changes.Count >= max)
            {
                break;
            }

            changes.Add(JsonSerializer.Deserialize(entity.Change, PathJsonContext.Default.RouteChange)!);
        }

        return changes;
    }

    private async Task<IReadOnlyList<StoredPath>> ReadAsync(
        string probeId, string targetName, string prefix, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        max = Math.Clamp(max, 1, MaxRead);
        var paths = new List<StoredPath>();
        await foreach (var entity in tables.Paths.QueryAsync<PathSnapshotEntity>(
            RangeFilter(probeId, targetName, prefix, from, to), maxPerPage: max, cancellationToken: cancellationToken))
        {
            if (paths.Count >= max)
            {
                break;
            }

            paths.Add(ToStored(entity));
        }

        return paths;
    }

    private static string RangeFilter(string probeId, string targetName, string prefix, DateTimeOffset from, DateTimeOffset to)
    {
        var partition = TableKeys.PathPartition(probeId, targetName);
        var newest = TableKeys.PathRow(prefix, to);
        var oldest = TableKeys.PathRow(prefix, from);
        return TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {newest} and RowKey le {oldest}");
    }

    private static StoredPath ToStored(PathSnapshotEntity entity)
    {
        var snapshot = JsonSerializer.Deserialize(entity.Snapshot, PathJsonContext.Default.PathSnapshot)
            ?? throw new InvalidDataException($"path row {entity.PartitionKey}/{entity.RowKey} holds no snapshot");
        return new StoredPath(PathIds.Of(snapshot.StartedAt), entity.ProbeId, entity.TargetName, snapshot);
    }
}

/// <summary>A snapshot in the paths table (its "s|" row, or a baseline's "b|" copy).</summary>
internal sealed class PathSnapshotEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string TargetName { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Trouble, Baseline or Manual: a column for whoever reads the table itself.</summary>
    public string Reason { get; set; } = "";

    public bool ReachedDestination { get; set; }

    public int HopCount { get; set; }

    /// <summary>The snapshot as UTF-8 JSON (camelCase, as on the wire).</summary>
    public byte[] Snapshot { get; set; } = [];
}

/// <summary>A recorded route change in the paths table.</summary>
internal sealed class RouteChangeEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string TargetName { get; set; } = "";

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset ConfirmedAt { get; set; }

    /// <summary>The <see cref="RouteChange"/> as JSON.</summary>
    public string Change { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PathSnapshot))]
[JsonSerializable(typeof(RouteChange))]
internal sealed partial class PathJsonContext : JsonSerializerContext;
