using Azure;
using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>What a share link shows: one target, or one evidence pack of a probe.</summary>
public enum ShareScope
{
    Target,
    Pack,
}

/// <summary>
/// A read-only share link as stored: what it shows (<see cref="ProbeId"/> and <see cref="Item"/>: the target's name, or
/// the pack as "week/2026-W13" or "month/2026-03"), who made it and until when it works. The row holds nothing secret:
/// the token is signed with a server key and handed out once, at creation.
/// </summary>
public sealed record ShareLink
{
    public required string Id { get; init; }

    public required ShareScope Scope { get; init; }

    public required string ProbeId { get; init; }

    /// <summary>The target's name (text from config: escape it), or the pack as "kind/period".</summary>
    public required string Item { get; init; }

    /// <summary>The earliest data the link shows.</summary>
    public required DateTimeOffset DataFrom { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public string? Note { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBy { get; init; }
}

/// <summary>
/// The sharelinks table (<see cref="StorageOptions.TablePrefix"/> + "sharelinks", one partition "share", RK the link's id):
/// a point read per shared request (so a revoke takes effect at once), a partition scan for the Admin's list.
/// </summary>
public sealed class ShareLinkStore
{
    private const string Partition = "share";

    private readonly TableClient _table;
    private readonly CreateOnce _createTable;

    public ShareLinkStore(TableServiceClient service, IOptions<StorageOptions> storage)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(storage);
        _table = service.GetTableClient(storage.Value.TablePrefix + "sharelinks");
        _createTable = new CreateOnce(ct => _table.CreateIfNotExistsAsync(ct));
    }

    public async Task AddAsync(ShareLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        await _createTable.EnsureAsync(cancellationToken);
        await _table.AddEntityAsync(ShareLinkEntity.From(link, Partition), cancellationToken);
    }

    /// <summary>The link; null when there is none with that id (never made, or deleted).</summary>
    public async Task<ShareLink?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _createTable.EnsureAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<ShareLinkEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.ToLink() : null;
    }

    /// <summary>Every link, newest first.</summary>
    public async Task<IReadOnlyList<ShareLink>> ListAsync(CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var links = new List<ShareLink>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var entity in _table.QueryAsync<ShareLinkEntity>(filter, cancellationToken: cancellationToken))
        {
            links.Add(entity.ToLink());
        }

        return [.. links.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Marks the link revoked (the first revoke stands, so the answer says who did it and when); null when there is no
    /// such link. A conditional write: a revoke racing another change is made again on the fresh row.
    /// </summary>
    public async Task<ShareLink?> RevokeAsync(string id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _createTable.EnsureAsync(cancellationToken);
        while (true)
        {
            var row = await _table.GetEntityIfExistsAsync<ShareLinkEntity>(Partition, id, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            var entity = row.Value!;
            if (entity.RevokedAt is not null)
            {
                return entity.ToLink();
            }

            entity.RevokedAt = at;
            entity.RevokedBy = by;
            try
            {
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return entity.ToLink();
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed meanwhile: read again.
            }
        }
    }

    /// <summary>Deletes the rows of links that ended (expired or revoked) before <paramref name="before"/>: they only fill the list.</summary>
    public async Task<int> DeleteEndedAsync(IEnumerable<ShareLink> links, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        var ended = links.Where(l => (l.RevokedAt is { } revoked ? Min(revoked, l.ExpiresAt) : l.ExpiresAt) < before).ToList();
        foreach (var chunk in ended.Chunk(100))
        {
            await _table.SubmitTransactionAsync(chunk.Select(l => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, l.Id), ETag.All)), cancellationToken);
        }

        return ended.Count;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

internal sealed class ShareLinkEntity : MonitoringEntity
{
    public string Scope { get; set; } = "";

    public string ProbeId { get; set; } = "";

    public string Item { get; set; } = "";

    public DateTimeOffset DataFrom { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public static ShareLinkEntity From(ShareLink link, string partition) => new()
    {
        PartitionKey = partition,
        RowKey = link.Id,
        Scope = link.Scope.ToString(),
        ProbeId = link.ProbeId,
        Item = link.Item,
        DataFrom = link.DataFrom,
        CreatedAt = link.CreatedAt,
        CreatedBy = link.CreatedBy,
        ExpiresAt = link.ExpiresAt,
        Note = link.Note,
        RevokedAt = link.RevokedAt,
        RevokedBy = link.RevokedBy,
    };

    public ShareLink ToLink() => new()
    {
        Id = RowKey,
        Scope = Enum.Parse<ShareScope>(Scope),
        ProbeId = ProbeId,
        Item = Item,
        DataFrom = DataFrom.ToUniversalTime(),
        CreatedAt = CreatedAt.ToUniversalTime(),
        CreatedBy = CreatedBy,
        ExpiresAt = ExpiresAt.ToUniversalTime(),
        Note = Note,
        RevokedAt = RevokedAt?.ToUniversalTime(),
        RevokedBy = RevokedBy,
    };
}
