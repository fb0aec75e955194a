using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// The maintenance table (<see cref="StorageOptions.TablePrefix"/> + "maintenance", one partition "window", RK the
/// window's id), and the windows as ingestion sees them: cached for <see cref="MaintenanceOptions.CacheDuration"/>
/// so that a batch costs no read for them.
/// </summary>
public sealed class MaintenanceStore : IDisposable
{
    private const string Partition = "window";

    private readonly TableClient _table;
    private readonly MaintenanceOptions _options;
    private readonly TimeProvider _time;
    private readonly CreateOnce _createTable;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _cached;

    internal MaintenanceStore(TableServiceClient service, IOptions<StorageOptions> storage, IOptions<MaintenanceOptions> options, TimeProvider time)
    {
        _table = service.GetTableClient(storage.Value.TablePrefix + "maintenance");
        _createTable = new CreateOnce(ct => _table.CreateIfNotExistsAsync(ct));
        _options = options.Value;
        _time = time;
    }

    public MaintenanceOptions Options => _options;

    public void Dispose() => _loading.Dispose();

    public async Task AddAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await _createTable.EnsureAsync(cancellationToken);
        await _table.AddEntityAsync(MaintenanceEntity.From(window, Partition), cancellationToken);
        _cached = null;
    }

    /// <summary>False when there was no such window.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        // The SDK answers a delete of nothing with its 404 response rather than an exception.
        using var response = await _table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken);
        _cached = null;
        return response.Status != 404;
    }

    /// <summary>Every window, read now (for the API), one-off ones by start, recurring ones after them.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> ListAsync(CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var windows = new List<MaintenanceWindow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var entity in _table.QueryAsync<MaintenanceEntity>(filter, cancellationToken: cancellationToken))
        {
            windows.Add(entity.ToWindow());
        }

        IReadOnlyList<MaintenanceWindow> ordered = [.. windows.OrderBy(w => w.IsRecurring).ThenBy(w => w.Start).ThenBy(w => w.CreatedAt)];
        _cached = new Snapshot(ordered, _time.GetUtcNow());
        return ordered;
    }

    /// <summary>The windows as last read, at most <see cref="MaintenanceOptions.CacheDuration"/> old.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cached is { } fresh && now - fresh.ReadAt < _options.CacheDuration)
        {
            return fresh.Windows;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && now - again.ReadAt < _options.CacheDuration)
            {
                return again.Windows;
            }

            return await ListAsync(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    private sealed record Snapshot(IReadOnlyList<MaintenanceWindow> Windows, DateTimeOffset ReadAt);
}

/// <summary>
/// Which window, if any, covers an incident's start. The target's category comes from its settings, so a
/// category window mutes the targets of that category on every probe.
/// </summary>
public static class MaintenanceCalendar
{
    /// <summary>The id of the first window (by id, so every instance picks the same) whose scope and time cover the incident at <paramref name="time"/>.</summary>
    public static string? WindowAt(IEnumerable<MaintenanceWindow> windows, string probeId, string targetName, string? category, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return windows
            .Where(w => w.Scope.Covers(probeId, targetName, category) && w.OccurrenceAt(time) is not null)
            .Select(w => w.Id)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }
}

internal sealed class MaintenanceEntity : MonitoringEntity
{
    public string? ProbeId { get; set; }

    public string? TargetName { get; set; }

    public string? Category { get; set; }

    public bool All { get; set; }

    public DateTimeOffset? Start { get; set; }

    public DateTimeOffset? End { get; set; }

    public string? Cron { get; set; }

    public string? TimeZone { get; set; }

    public long? DurationSeconds { get; set; }

    public string Reason { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public static MaintenanceEntity From(MaintenanceWindow window, string partition) => new()
    {
        PartitionKey = partition,
        RowKey = window.Id,
        ProbeId = window.Scope.ProbeId,
        TargetName = window.Scope.TargetName,
        Category = window.Scope.Category,
        All = window.Scope.All,
        Start = window.Start,
        End = window.End,
        Cron = window.Cron,
        TimeZone = window.TimeZone,
        DurationSeconds = window.Duration is { } d ? (long)d.TotalSeconds : null,
        Reason = window.Reason,
        CreatedBy = window.CreatedBy,
        CreatedAt = window.CreatedAt,
    };

    public MaintenanceWindow ToWindow() => new()
    {
        Id = RowKey,
        Scope = new MaintenanceScope(ProbeId, TargetName, Category, All),
        Start = Start?.ToUniversalTime(),
        End = End?.ToUniversalTime(),
        Cron = Cron,
        TimeZone = TimeZone,
        Duration = DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        Reason = Reason,
        CreatedBy = CreatedBy,
        CreatedAt = CreatedAt.ToUniversalTime(),
    };
}
