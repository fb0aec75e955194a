using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>The incidents table: writes grouped into one transaction per month partition, reads by month.</summary>
internal sealed class IncidentStore(MonitoringTables tables)
{
    private const int MaxActionsPerTransaction = 100;

    /// <summary>Upserts and deletes, one transaction per partition and hundred actions.</summary>
    public async Task WriteAsync(IReadOnlyCollection<StoredIncident> upserts, IReadOnlyCollection<StoredIncident> deletes, CancellationToken cancellationToken)
    {
        var actions = upserts.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, i.ToEntity()))
            .Concat(deletes.Select(i => new TableTransactionAction(TableTransactionActionType.Delete, i.ToEntity(), ETag.All)));
        await SubmitAsync(tables.Incidents, actions, cancellationToken);
    }

    /// <summary>One probe's or target's incidents starting in the UTC months from <paramref name="fromMonth"/> to <paramref name="toMonth"/>, newest first.</summary>
    public async Task<List<StoredIncident>> ReadAsync(
        DateTimeOffset fromMonth, DateTimeOffset toMonth, string? probeId, string? targetName, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var incidents = new List<StoredIncident>();
        var first = new DateTimeOffset(fromMonth.UtcDateTime.Year, fromMonth.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var month = new DateTimeOffset(toMonth.UtcDateTime.Year, toMonth.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero); month >= first; month = month.AddMonths(-1))
        {
            var filter = (probeId, targetName) switch
            {
                (null, _) => TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.IncidentPartition(month)}"),
                (_, null) => TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.IncidentPartition(month)} and ProbeId eq {probeId}"),
                _ => TableClient.CreateQueryFilter(
                    $"PartitionKey eq {TableKeys.IncidentPartition(month)} and ProbeId eq {probeId} and TargetName eq {targetName}"),
            };
            await foreach (var entity in tables.Incidents.QueryAsync<IncidentEntity>(filter, cancellationToken: cancellationToken))
            {
                incidents.Add(StoredIncident.FromEntity(entity));
            }
        }

        return incidents;
    }

    public async Task<StoredIncident?> FindAsync(string incidentId, CancellationToken cancellationToken)
    {
        if (!IncidentIds.TryParseStart(incidentId, out var start))
        {
            return null;
        }

        var found = await tables.Incidents.GetEntityIfExistsAsync<IncidentEntity>(
            TableKeys.IncidentPartition(start), TableKeys.IncidentRow(start, incidentId), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? StoredIncident.FromEntity(entity) : null;
    }

    /// <summary>
    /// Submits actions grouped by partition in transactions of at most 100. A transaction fails as a whole when
    /// one delete finds nothing (a replay deleting again); then its actions go one by one and such deletes pass.
    /// </summary>
    internal static async Task SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        foreach (var partition in actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxActionsPerTransaction))
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk, cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404)
                {
                    foreach (var action in chunk)
                    {
                        await SubmitOneAsync(table, action, cancellationToken);
                    }
                }
            }
        }
    }

    private static async Task SubmitOneAsync(TableClient table, TableTransactionAction action, CancellationToken cancellationToken)
    {
        switch (action.ActionType)
        {
            case TableTransactionActionType.Delete:
                try
                {
                    await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, action.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    // Already gone: the delete's purpose is met.
                }

                break;
            case TableTransactionActionType.UpsertReplace:
                await table.UpsertEntityAsync(action.Entity, TableUpdateMode.Replace, cancellationToken);
                break;
            case TableTransactionActionType.UpsertMerge:
                await table.UpsertEntityAsync(action.Entity, TableUpdateMode.Merge, cancellationToken);
                break;
            default:
                throw new NotSupportedException($"transaction action {action.ActionType} is not replayed one by one");
        }
    }
}
