using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Rollups;

/// <summary>
/// Timer (every few minutes): folds each probe's batches into per-target hour entities and rollups, from where
/// the last run stopped up to <see cref="CompactionOptions.SettleDelay"/> ago (the current hour too, so readers
/// find few batches to merge), plus every hour a late batch marked. Each hour is rebuilt from its batches, so a
/// run repeated or interrupted leaves the same entities; nothing is deleted but the markers it has handled.
/// </summary>
public sealed class CompactionHandler
{
    /// <summary>The longest span of a batch (the contract's): batches ending this long after an hour may hold its rounds.</summary>
    private static readonly TimeSpan MaxBatchSpan = TimeSpan.FromHours(1);

    /// <summary>Keeps a transaction well inside the service's 4 MiB (hour slots travel as Base64 in it).</summary>
    private const int MaxTransactionBytes = 2_500_000;

    private readonly MonitoringTables _tables;
    private readonly ProbeStateStore _states;
    private readonly BatchStore _batches;
    private readonly CompactionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CompactionHandler> _logger;

    internal CompactionHandler(
        MonitoringTables tables, ProbeStateStore states, BatchStore batches, IOptions<CompactionOptions> options, TimeProvider time, ILogger<CompactionHandler> logger)
    {
        _tables = tables;
        _states = states;
        _batches = batches;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>One run over every probe (reading them creates the tables on a new installation).</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        EachProbe.RunAsync(_states, "Compaction", _logger, probe => CompactProbeAsync(probe, cancellationToken), cancellationToken);

    private async Task CompactProbeAsync(ProbeState probe, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var settled = now - _options.SettleDelay;
        var dirty = await DirtyHoursAsync(probe.ProbeId, cancellationToken);
        var firstRound = probe.Targets.Values.Select(t => t.FirstSampleAt).DefaultIfEmpty(settled).Min();
        var from = probe.CompactedThrough ?? Max(firstRound, now - _options.FirstRunLookback);

        var sequential = new List<DateTimeOffset>();
        for (var hour = TableKeys.HourOf(from); hour < settled; hour = hour.AddHours(1))
        {
            sequential.Add(hour);
        }

        var done = dirty.Select(d => d.Hour).Where(h => h < settled).Concat(sequential)
            .Distinct().Order().Take(_options.MaxHoursPerRun).ToHashSet();
        foreach (var hour in done.Order())
        {
            await CompactHourAsync(probe.ProbeId, hour, Min(hour.AddHours(1), settled), cancellationToken);
        }

        // The compaction point moves over the hours done in a row from it; a long backlog finishes in later runs.
        var through = from;
        foreach (var hour in sequential.TakeWhile(done.Contains))
        {
            through = Min(hour.AddHours(1), settled);
        }

        if (through != probe.CompactedThrough)
        {
            await _tables.Targets.UpsertEntityAsync(
                new ProbeEntity { PartitionKey = TableKeys.TargetsPartition(probe.ProbeId), RowKey = TableKeys.ProbeRow, ProbeId = probe.ProbeId, CompactedThrough = through },
                TableUpdateMode.Merge,
                cancellationToken);
        }

        foreach (var marker in dirty.Where(d => done.Contains(d.Hour)))
        {
            try
            {
                // If-Match: a marker written again since it was read stays for the next run.
                await _tables.Targets.DeleteEntityAsync(marker.PartitionKey, marker.RowKey, marker.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                _logger.LogDebug("Hour {Hour} of probe {ProbeId} was marked again while compacting; next run does it again", marker.Hour, probe.ProbeId);
            }
        }

        if (done.Count > 0)
        {
            _logger.LogInformation(
                "Compacted {HourCount} hour(s) of probe {ProbeId} ({DirtyCount} marked by late batches); compacted through {CompactedThrough:O}",
                done.Count, probe.ProbeId, dirty.Count(d => done.Contains(d.Hour)), through);
        }
    }

    /// <summary>Builds one hour's entities from its batches and writes them, a transaction per partition.</summary>
    internal async Task CompactHourAsync(string probeId, DateTimeOffset hour, DateTimeOffset coveredUntil, CancellationToken cancellationToken)
    {
        var batches = await _batches.ReadAsync(probeId, hour, hour.AddHours(1) + MaxBatchSpan, cancellationToken);
        var built = HourCompactor.Build(probeId, hour, coveredUntil, batches);
        await WriteAsync(_tables.Samples, built.Select(b => (ITableEntity)b.Samples).ToList(), b => ((HourSamplesEntity)b).Slots.Length, cancellationToken);
        await WriteAsync(_tables.Rollups, built.Select(b => (ITableEntity)b.Rollup).ToList(), b => ((HourRollupEntity)b).Minutes.Length + 512, cancellationToken);
    }

    private static async Task WriteAsync(TableClient table, List<ITableEntity> entities, Func<ITableEntity, int> size, CancellationToken cancellationToken)
    {
        foreach (var partition in entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            var chunk = new List<TableTransactionAction>();
            var bytes = 0;
            foreach (var entity in partition)
            {
                var entityBytes = size(entity) * 4 / 3 + 1024;
                if (chunk.Count == 100 || (chunk.Count > 0 && bytes + entityBytes > MaxTransactionBytes))
                {
                    await table.SubmitTransactionAsync(chunk, cancellationToken);
                    chunk = [];
                    bytes = 0;
                }

                chunk.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
                bytes += entityBytes;
            }

            if (chunk.Count > 0)
            {
                await table.SubmitTransactionAsync(chunk, cancellationToken);
            }
        }
    }

    private async Task<List<DirtyHourEntity>> DirtyHoursAsync(string probeId, CancellationToken cancellationToken)
    {
        var markers = new List<DirtyHourEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.TargetsPartition(probeId)} and RowKey ge {TableKeys.DirtyHourRowPrefix} and RowKey lt {TableKeys.ProbeRow}");
        await foreach (var marker in _tables.Targets.QueryAsync<DirtyHourEntity>(filter, cancellationToken: cancellationToken))
        {
            marker.Hour = marker.Hour.ToUniversalTime();
            markers.Add(marker);
        }

        return markers;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
