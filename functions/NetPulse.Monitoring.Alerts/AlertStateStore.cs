using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Alert state in the "alertstate" table (after NetPulse:Storage:TablePrefix): one small entity per probe, target and incident type. Every
/// change is a read, a decision and a conditional write (ETag), retried on a conflict, so two alerts for
/// the same key handled at once cannot lose each other's update.
/// </summary>
public sealed class AlertStateStore
{
    private const int MaxAttempts = 5;

    private readonly TableClient _table;
    private readonly AlertOptions _options;
    private readonly CreateOnce _createTable;

    public AlertStateStore(TableServiceClient tables, IOptions<AlertOptions> options, IOptions<StorageOptions> storage)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        // Prefixed like every other table, so two installations sharing an account keep their own alert state.
        _table = tables.GetTableClient(storage.Value.TablePrefix + options.Value.StateTable);
        _createTable = new CreateOnce(ct => _table.CreateIfNotExistsAsync(ct));
        _options = options.Value;
        Watch = new DueWatch(options.Value.StateSweepInterval);
    }

    /// <summary>When a reminder or escalation of a key this instance wrote or read can next be due (<see cref="OpenIfDueAsync"/>).</summary>
    public DueWatch Watch { get; }

    public async Task<AlertState?> GetAsync(AlertKey key, CancellationToken cancellationToken)
    {
        var (state, _) = await ReadAsync(key, cancellationToken);
        return state;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current state (null when there is none) and stores the result;
    /// a null result, or the state unchanged, writes nothing. On a concurrent write the change is applied again
    /// to the newer state.
    /// </summary>
    public async Task UpdateAsync(AlertKey key, Func<AlertState?, AlertState?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var (current, etag) = await ReadAsync(key, cancellationToken);
            var next = change(current);
            if (next is null || next == current)
            {
                return;
            }

            if (next.Key != key)
            {
                throw new InvalidOperationException($"an alert state change must keep its key {key}");
            }

            var entity = AlertStateEntity.From(next);
            try
            {
                if (current is null)
                {
                    await _table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
                }

                Watch.Note(next.DueAt(_options));
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else wrote this key between our read and our write: decide again on their result.
            }
        }
    }

    /// <summary>
    /// The timer's read for reminders and escalations: null without a query when nothing this instance knows of can be
    /// due at <paramref name="now"/> and no sweep is due (<see cref="Watch"/>); else every open key, those not due yet
    /// noted for later. The caller handles the due ones; whatever it writes is noted by <see cref="UpdateAsync"/>, and
    /// it calls <see cref="DueWatch.ScanFailed"/> on the way out of a failure, so a due key is never left unnoted.
    /// </summary>
    public async Task<List<AlertState>?> OpenIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Watch.BeginRun(now))
        {
            return null;
        }

        try
        {
            var open = await OpenAsync(cancellationToken).ToListAsync(cancellationToken);
            foreach (var state in open)
            {
                if (state.DueAt(_options) is { } due && due > now)
                {
                    Watch.Note(due);
                }
            }

            return open;
        }
        catch
        {
            Watch.ScanFailed();
            throw;
        }
    }

    /// <summary>Every key whose incident is open, for the reminder scan.</summary>
    public async IAsyncEnumerable<AlertState> OpenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var query = _table.QueryAsync<AlertStateEntity>(
            TableClient.CreateQueryFilter($"IsOpen eq {true}"),
            cancellationToken: cancellationToken);
        await foreach (var entity in query)
        {
            yield return entity.ToState();
        }
    }

    private async Task<(AlertState? State, ETag ETag)> ReadAsync(AlertKey key, CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<AlertStateEntity>(
            AlertStateEntity.PartitionKeyOf(key), AlertStateEntity.RowKeyOf(key), cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? (entity.ToState(), entity.ETag) : (null, default);
    }

    /// <summary>The table row. Keys are Base64Url because names from config may hold '/', '#', '?' and other characters keys forbid.</summary>
    internal sealed class AlertStateEntity : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string ProbeId { get; set; } = string.Empty;

        public string TargetName { get; set; } = string.Empty;

        public string Type { get; set; } = string.Empty;

        public bool IsOpen { get; set; }

        public string? OpenIncidentJson { get; set; }

        public DateTimeOffset? LastOpenedMailAt { get; set; }

        public string? LastResolvedIncidentId { get; set; }

        public DateTimeOffset? EscalatedAt { get; set; }

        public static string PartitionKeyOf(AlertKey key) => Encode(key.ProbeId);

        public static string RowKeyOf(AlertKey key) => $"{key.Type}-{Encode(key.TargetName)}";

        public static AlertStateEntity From(AlertState state) => new()
        {
            PartitionKey = PartitionKeyOf(state.Key),
            RowKey = RowKeyOf(state.Key),
            ProbeId = state.Key.ProbeId,
            TargetName = state.Key.TargetName,
            Type = state.Key.Type.ToString(),
            IsOpen = state.OpenIncident is not null,
            OpenIncidentJson = state.OpenIncident is null
                ? null
                : JsonSerializer.Serialize(state.OpenIncident, AlertMessageJsonContext.Default.AlertIncident),
            LastOpenedMailAt = state.LastOpenedMailAt,
            LastResolvedIncidentId = state.LastResolvedIncidentId,
            EscalatedAt = state.EscalatedAt,
        };

        public AlertState ToState() => new()
        {
            Key = new AlertKey(ProbeId, TargetName, Enum.Parse<IncidentType>(Type)),
            OpenIncident = IsOpen && OpenIncidentJson is not null
                ? JsonSerializer.Deserialize(OpenIncidentJson, AlertMessageJsonContext.Default.AlertIncident)
                : null,
            LastOpenedMailAt = LastOpenedMailAt,
            LastResolvedIncidentId = LastResolvedIncidentId,
            EscalatedAt = EscalatedAt,
        };

        private static string Encode(string value) => value.Length == 0 ? "-" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));
    }
}
