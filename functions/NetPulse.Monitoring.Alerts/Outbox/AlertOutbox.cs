using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// The outbox: the "alertoutbox" table (after NetPulse:Storage:TablePrefix), one row per notice, partitioned by probe,
/// keyed by the notice's deterministic id. A notice is inserted before anything is sent (a conflict means it is
/// there already); each attempt is recorded with a conditional write (ETag), so two instances never both record.
/// </summary>
public sealed class AlertOutbox
{
    private readonly TableClient _table;
    private readonly CreateOnce _createTable;

    public AlertOutbox(TableServiceClient tables, IOptions<AlertOptions> options, IOptions<StorageOptions> storage)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        _table = tables.GetTableClient(storage.Value.TablePrefix + options.Value.OutboxTable);
        _createTable = new CreateOnce(ct => _table.CreateIfNotExistsAsync(ct));
        Watch = new DueWatch(options.Value.DueSweepInterval);
    }

    /// <summary>When this instance's rows can next be due: DeliverAlerts reads the table only then, or at its sweep.</summary>
    public DueWatch Watch { get; }

    /// <summary>The table's name, prefix included.</summary>
    public string TableName => _table.Name;

    /// <summary>
    /// Inserts the entry; null when a row with its id is there already (a replay: nothing to do), else the entry
    /// with the version written, for <see cref="TryReplaceAsync"/>.
    /// </summary>
    /// <param name="leaseUntil">The row is not due before this: the caller delivers it now and nobody else should.</param>
    public async Task<OutboxEntry?> TryAddAsync(OutboxEntry entry, DateTimeOffset? leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _createTable.EnsureAsync(cancellationToken);
        var entity = OutboxEntity.From(entry, leaseUntil);
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            Watch.Note(entity.NextAttemptAt);
            return entry with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Writes the entry if nobody wrote it since it was read; null when somebody did (the caller then leaves it).</summary>
    /// <param name="leaseUntil">Null: due as its deliveries say; else not before this (a claim).</param>
    public async Task<OutboxEntry?> TryReplaceAsync(OutboxEntry entry, DateTimeOffset? leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            var entity = OutboxEntity.From(entry, leaseUntil);
            var response = await _table.UpdateEntityAsync(entity, entry.ETag, TableUpdateMode.Replace, cancellationToken);
            Watch.Note(entity.NextAttemptAt);
            return entry with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    public async Task<OutboxEntry?> GetAsync(string probeId, string noticeId, CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<OutboxEntity>(OutboxEntity.PartitionKeyOf(probeId), noticeId, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? entity.ToEntry() : null;
    }

    /// <summary>Rows with a channel due by <paramref name="now"/> (leases that ran out included).</summary>
    public IAsyncEnumerable<OutboxEntry> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"State eq {nameof(NoticeState.Pending)} and NextAttemptAt le {now}"), cancellationToken);

    /// <summary>
    /// The timer's read: null without a query when nothing this instance knows of can be due at <paramref name="now"/>
    /// and no sweep is due (<see cref="Watch"/>); else every pending row is read, those not yet due are noted for later
    /// and the due ones (leases that ran out included) returned. A due row is noted as due now: whatever its delivery
    /// does or fails to write, the next run looks again, so nothing is forgotten.
    /// </summary>
    public async Task<List<OutboxEntry>?> DueIfAnyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Watch.BeginRun(now))
        {
            return null;
        }

        var due = new List<OutboxEntry>();
        try
        {
            await _createTable.EnsureAsync(cancellationToken);
            // All pending rows, not only the due ones: the same one request learns when the others will be due.
            var filter = TableClient.CreateQueryFilter($"State eq {nameof(NoticeState.Pending)}");
            await foreach (var entity in _table.QueryAsync<OutboxEntity>(filter, cancellationToken: cancellationToken))
            {
                if (entity.NextAttemptAt is { } at && at > now)
                {
                    Watch.Note(at);
                    continue;
                }

                Watch.Note(now);
                due.Add(entity.ToEntry());
            }
        }
        catch
        {
            Watch.ScanFailed();
            throw;
        }

        return due;
    }

    /// <summary>Notices raised in [from, to), newest first, optionally only those in one state.</summary>
    public async Task<List<OutboxEntry>> ListAsync(NoticeState? state, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var filter = state is { } s
            ? TableClient.CreateQueryFilter($"RaisedAt ge {from} and RaisedAt lt {to} and State eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"RaisedAt ge {from} and RaisedAt lt {to}");
        var entries = await QueryAsync(filter, cancellationToken).ToListAsync(cancellationToken);
        return [.. entries.OrderByDescending(e => e.Notice.RaisedAt).ThenBy(e => e.Notice.Id, StringComparer.Ordinal)];
    }

    private async IAsyncEnumerable<OutboxEntry> QueryAsync(string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        await foreach (var entity in _table.QueryAsync<OutboxEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return entity.ToEntry();
        }
    }

    /// <summary>
    /// The row. The notice and the deliveries are JSON (a notice is at most ~30 KB, inside a property's 64 KiB); the
    /// state, next attempt and raise time are columns, so the due scan and the API filter on the server.
    /// </summary>
    internal sealed class OutboxEntity : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string ProbeId { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public DateTimeOffset RaisedAt { get; set; }

        public DateTimeOffset StoredAt { get; set; }

        public string State { get; set; } = string.Empty;

        /// <summary>When the row is due: its earliest pending channel, or a lease; null when nothing is pending.</summary>
        public DateTimeOffset? NextAttemptAt { get; set; }

        public string Notice { get; set; } = string.Empty;

        public string Deliveries { get; set; } = string.Empty;

        public static string PartitionKeyOf(string probeId) =>
            probeId.Length == 0 ? "-" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(probeId));

        public static OutboxEntity From(OutboxEntry entry, DateTimeOffset? leaseUntil)
        {
            var state = entry.State;
            return new OutboxEntity
            {
                PartitionKey = PartitionKeyOf(entry.ProbeId),
                RowKey = entry.Notice.Id,
                ETag = entry.ETag,
                ProbeId = entry.ProbeId,
                Kind = entry.Notice.Kind.ToString(),
                RaisedAt = entry.Notice.RaisedAt,
                StoredAt = entry.StoredAt,
                State = state.ToString(),
                NextAttemptAt = state == NoticeState.Pending ? leaseUntil ?? entry.NextAttemptAt : null,
                Notice = JsonSerializer.Serialize(entry.Notice, OutboxJsonContext.Default.AlertNotice),
                Deliveries = JsonSerializer.Serialize(entry.Deliveries, OutboxJsonContext.Default.IReadOnlyListChannelDelivery),
            };
        }

        public OutboxEntry ToEntry() => new()
        {
            Notice = JsonSerializer.Deserialize(Notice, OutboxJsonContext.Default.AlertNotice)
                ?? throw new InvalidOperationException($"outbox row {RowKey} holds no notice"),
            ProbeId = ProbeId,
            StoredAt = StoredAt,
            Deliveries = JsonSerializer.Deserialize(Deliveries, OutboxJsonContext.Default.IReadOnlyListChannelDelivery) ?? [],
            ETag = ETag,
        };
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AlertNotice))]
[JsonSerializable(typeof(IReadOnlyList<ChannelDelivery>))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
