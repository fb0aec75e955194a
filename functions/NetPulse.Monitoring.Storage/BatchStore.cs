using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>The batches table: one write per batch, range reads by the time of a batch's last round.</summary>
internal sealed class BatchStore(MonitoringTables tables)
{
    /// <summary>Stores a batch. A replay writes the same entity with the same content: idempotent by position.</summary>
    public Task WriteAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        var entity = new BatchEntity
        {
            PartitionKey = batch.PartitionKey,
            RowKey = batch.RowKey,
            ProbeId = batch.ProbeId,
            Sequence = batch.Sequence,
            WindowStart = batch.WindowStart,
            FirstSampleAt = batch.FirstSampleAt,
            LastSampleAt = batch.LastSampleAt,
            TargetCount = batch.Targets.Count,
            SampleCount = batch.SampleCount,
            ReceivedAt = batch.ReceivedAt ?? throw new ArgumentException($"batch {batch.Sequence} of probe {batch.ProbeId} has no time it was received; it is stored with one", nameof(batch)),
            Targets = batch.PackTargets(),
            Status = ProbeStatusJson.ToJson(batch.Status),
        };
        if (entity.Targets.Length > 64 * 1024)
        {
            // The wire body is at most 48 KiB of JSON and the packing is smaller than JSON for every input.
            throw new InvalidOperationException($"batch {batch.Sequence} of probe {batch.ProbeId} packs to {entity.Targets.Length} bytes, over a property's 64 KiB");
        }

        return tables.Batches.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Batches of a probe whose last round is in [<paramref name="lastFrom"/>, <paramref name="lastTo"/>], oldest
    /// first: one range scan per UTC day.
    /// </summary>
    public async Task<List<StoredBatch>> ReadAsync(string probeId, DateTimeOffset lastFrom, DateTimeOffset lastTo, CancellationToken cancellationToken)
    {
        var batches = new List<StoredBatch>();
        if (lastTo < lastFrom)
        {
            return batches;
        }

        for (var day = TableKeys.DayOf(lastTo); day >= TableKeys.DayOf(lastFrom); day = day.AddDays(-1))
        {
            var partition = TableKeys.BatchPartition(probeId, day);
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey ge {TableKeys.BatchRowsEndingAtOrBefore(lastTo)} and RowKey le {TableKeys.BatchRowsEndingAtOrAfter(lastFrom)}");
            await foreach (var entity in tables.Batches.QueryAsync<BatchEntity>(filter, cancellationToken: cancellationToken))
            {
                batches.Add(FromEntity(entity));
            }
        }

        batches.Reverse();
        return batches;
    }

    /// <summary>The probe's batch with the latest last round, looking back day by day up to <paramref name="lookbackDays"/>.</summary>
    public async Task<StoredBatch?> NewestAsync(string probeId, DateTimeOffset now, int lookbackDays, CancellationToken cancellationToken)
    {
        // A probe clock a little ahead of ours files batches under tomorrow near midnight.
        for (var day = TableKeys.DayOf(now.AddHours(1)); day >= TableKeys.DayOf(now).AddDays(-lookbackDays); day = day.AddDays(-1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.BatchPartition(probeId, day)}");
            await foreach (var page in tables.Batches.QueryAsync<BatchEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                if (page.Values.Count > 0)
                {
                    return FromEntity(page.Values[0]);
                }

                if (page.ContinuationToken is null)
                {
                    break;
                }
            }
        }

        return null;
    }

    internal static StoredBatch FromEntity(BatchEntity entity) => new()
    {
        ProbeId = entity.ProbeId,
        Sequence = entity.Sequence,
        WindowStart = entity.WindowStart.ToUniversalTime(),
        FirstSampleAt = entity.FirstSampleAt.ToUniversalTime(),
        LastSampleAt = entity.LastSampleAt.ToUniversalTime(),
        ReceivedAt = entity.ReceivedAt == default ? null : entity.ReceivedAt.ToUniversalTime(),
        Targets = StoredBatch.UnpackTargets(entity.Targets, entity.FirstSampleAt.ToUniversalTime()),
        Status = ProbeStatusJson.FromJson(entity.Status),
    };
}
