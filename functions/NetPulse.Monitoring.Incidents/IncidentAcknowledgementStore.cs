using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// The acknowledgements table (<see cref="StorageOptions.TablePrefix"/> + "acknowledgements"): PK the UTC month of the
/// incident's start (read from its id, as the incidents table does), RK the incident id. The first acknowledgement
/// stays: a second one (a person after a link, a retried request) changes nothing.
/// </summary>
public sealed class IncidentAcknowledgementStore : IIncidentAcknowledgements
{
    private readonly TableClient _table;
    private readonly CreateOnce _createTable;

    internal IncidentAcknowledgementStore(TableServiceClient service, IOptions<StorageOptions> storage)
    {
        _table = service.GetTableClient(storage.Value.TablePrefix + "acknowledgements");
        _createTable = new CreateOnce(ct => _table.CreateIfNotExistsAsync(ct));
    }

    /// <summary>Records the acknowledgement unless the incident has one; returns the one that stands.</summary>
    public async Task<IncidentAcknowledgement> AcknowledgeAsync(IncidentAcknowledgement acknowledgement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        await _createTable.EnsureAsync(cancellationToken);
        var entity = new AcknowledgementEntity
        {
            PartitionKey = Partition(acknowledgement.IncidentId),
            RowKey = acknowledgement.IncidentId,
            ProbeId = acknowledgement.ProbeId,
            By = acknowledgement.By,
            At = acknowledgement.At,
            Note = acknowledgement.Note,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return acknowledgement;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await GetAsync(acknowledgement.ProbeId, acknowledgement.IncidentId, cancellationToken) ?? acknowledgement;
        }
    }

    public async Task<IncidentAcknowledgement?> GetAsync(string probeId, string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _createTable.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<AcknowledgementEntity>(Partition(incidentId), incidentId, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity && entity.ProbeId == probeId ? entity.ToAcknowledgement() : null;
    }

    /// <summary>The acknowledgements of incidents that started in the UTC months from <paramref name="fromMonth"/> to <paramref name="toMonth"/>, by incident id.</summary>
    public async Task<IReadOnlyDictionary<string, IncidentAcknowledgement>> ReadAsync(DateTimeOffset fromMonth, DateTimeOffset toMonth, CancellationToken cancellationToken)
    {
        await _createTable.EnsureAsync(cancellationToken);
        var found = new Dictionary<string, IncidentAcknowledgement>(StringComparer.Ordinal);
        var first = new DateTimeOffset(fromMonth.UtcDateTime.Year, fromMonth.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var month = new DateTimeOffset(toMonth.UtcDateTime.Year, toMonth.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero); month >= first; month = month.AddMonths(-1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.IncidentPartition(month)}");
            await foreach (var entity in _table.QueryAsync<AcknowledgementEntity>(filter, cancellationToken: cancellationToken))
            {
                found[entity.RowKey] = entity.ToAcknowledgement();
            }
        }

        return found;
    }

    private static string Partition(string incidentId) =>
        IncidentIds.TryParseStart(incidentId, out var start) ? TableKeys.IncidentPartition(start) : "other";
}

internal sealed class AcknowledgementEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string By { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string? Note { get; set; }

    public IncidentAcknowledgement ToAcknowledgement() => new(ProbeId, RowKey, By, At.ToUniversalTime(), Note);
}
