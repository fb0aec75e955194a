using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Reads one target's rounds and rollups over a time range: compacted hours (one row per target and hour)
/// up to the probe's compaction point, the batches after it, merged in time order. A 24-hour series is
/// about 24 hour rows plus the batches compaction has not reached yet (up to about an hour's: it runs hourly).
/// </summary>
/// <remarks>
/// A batch that arrives late for an hour already compacted shows up here once compaction has folded it in
/// again (its next run). Rollups cover whole UTC hours or minutes that overlap the range.
/// </remarks>
public sealed class SampleReader
{
    /// <summary>The longest span a batch may cover (the contract's limit): batches ending this long after a range may still hold rounds in it.</summary>
    private static readonly TimeSpan MaxBatchSpan = TimeSpan.FromHours(1);

    private static readonly string[] HourRollupColumns =
    [
        nameof(HourRollupEntity.PartitionKey), nameof(HourRollupEntity.RowKey), nameof(HourRollupEntity.ProbeId), nameof(HourRollupEntity.TargetName),
        nameof(HourRollupEntity.Hour), nameof(HourRollupEntity.CoveredUntil), .. HourRollupStatistics.Columns,
    ];

    private static readonly string[] KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];

    private readonly MonitoringTables _tables;
    private readonly BatchStore _batches;

    public SampleReader(MonitoringTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
        _batches = new BatchStore(tables);
    }

    /// <summary>The target's rounds with <paramref name="from"/> ≤ time ≤ <paramref name="to"/>, in time order, one per second at most.</summary>
    /// <param name="probeId">The probe; null when only one probe has a target of that name.</param>
    /// <exception cref="UnknownTargetException">No probe has the target, or several do and <paramref name="probeId"/> is null.</exception>
    public async Task<IReadOnlyList<Sample>> GetSamplesAsync(
        string? probeId, string targetName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var probe = await ResolveProbeAsync(probeId, targetName, cancellationToken);
        var compactedThrough = await CompactedThroughAsync(probe, cancellationToken);
        return await ReadSamplesAsync(probe, targetName, from.ToUniversalTime(), to.ToUniversalTime(), compactedThrough, new ProbeBatches(_batches, probe), cancellationToken);
    }

    /// <summary>The target's statistics per UTC hour for the hours overlapping the range, oldest first; hours without rounds are left out.</summary>
    /// <exception cref="UnknownTargetException">As for <see cref="GetSamplesAsync"/>.</exception>
    public async Task<IReadOnlyList<Rollup>> GetHourRollupsAsync(
        string? probeId, string targetName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var probe = await ResolveProbeAsync(probeId, targetName, cancellationToken);
        var compactedThrough = await CompactedThroughAsync(probe, cancellationToken);
        return await HourRollupsAsync(probe, targetName, from, to, compactedThrough, new ProbeBatches(_batches, probe), cancellationToken);
    }

    /// <summary>
    /// A reader of one probe's targets that reads the probe's compaction point once and its uncompacted batches once
    /// for all of them: a range over many targets (the ranking) would otherwise read the same batches per target.
    /// Take one per request; the targets are not checked against the catalogue (an unknown one has no rollups).
    /// </summary>
    public async Task<ProbeSamples> OfProbeAsync(string probeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(probeId);
        await _tables.EnsureCreatedAsync(cancellationToken);
        return new ProbeSamples(this, probeId, await CompactedThroughAsync(probeId, cancellationToken), new ProbeBatches(_batches, probeId));
    }

    internal async Task<IReadOnlyList<Rollup>> HourRollupsAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? compactedThrough, ProbeBatches batches, CancellationToken cancellationToken)
    {
        var (stored, tail) = await ReadRollupsAsync(probeId, targetName, from.ToUniversalTime(), to.ToUniversalTime(), HourRollupColumns, compactedThrough, batches, cancellationToken);
        var rollups = stored.Select(e => new Rollup
        {
            ProbeId = probeId,
            TargetName = targetName,
            Start = e.Hour.ToUniversalTime(),
            Length = TimeSpan.FromHours(1),
            Statistics = e.Statistics(),
        }).ToList();
        rollups.AddRange(Summarize(probeId, targetName, tail, TimeSpan.FromHours(1)));
        return rollups;
    }

    /// <summary>
    /// The target's statistics per UTC minute for the minutes overlapping the range, oldest first; minutes without rounds
    /// are left out. An hour whose minutes retention dropped comes as one hour-long rollup.
    /// </summary>
    /// <exception cref="UnknownTargetException">As for <see cref="GetSamplesAsync"/>.</exception>
    public async Task<IReadOnlyList<Rollup>> GetMinuteRollupsAsync(
        string? probeId, string targetName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var probe = await ResolveProbeAsync(probeId, targetName, cancellationToken);
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        var compactedThrough = await CompactedThroughAsync(probe, cancellationToken);
        var (stored, tail) = await ReadRollupsAsync(probe, targetName, from, to, select: null, compactedThrough, new ProbeBatches(_batches, probe), cancellationToken);
        var firstMinute = Minute(from);
        var rollups = new List<Rollup>();
        foreach (var entity in stored)
        {
            if (entity.Minutes.Length == 0)
            {
                // Past the minute rollups' retention only the hour's statistics are kept: the coarser point, not a hole.
                if (entity.Count > 0)
                {
                    rollups.Add(new Rollup { ProbeId = probe, TargetName = targetName, Start = entity.Hour.ToUniversalTime(), Length = TimeSpan.FromHours(1), Statistics = entity.Statistics() });
                }

                continue;
            }

            var minutes = MinuteRollups.Unpack(entity.Minutes);
            for (var m = 0; m < minutes.Length; m++)
            {
                var start = entity.Hour.ToUniversalTime().AddMinutes(m);
                if (minutes[m].Count > 0 && start >= firstMinute && start <= to)
                {
                    rollups.Add(new Rollup { ProbeId = probe, TargetName = targetName, Start = start, Length = TimeSpan.FromMinutes(1), Statistics = minutes[m] });
                }
            }
        }

        var afterLastMinute = Minute(to).AddMinutes(1);
        rollups.AddRange(Summarize(probe, targetName, tail.Where(s => s.Time >= firstMinute && s.Time < afterLastMinute), TimeSpan.FromMinutes(1)));
        return rollups;
    }

    /// <summary>Rounds with a reply in percent of all rounds in the range; null when there were none.</summary>
    public async Task<double?> GetUptimePercentAsync(
        string? probeId, string targetName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var probe = await ResolveProbeAsync(probeId, targetName, cancellationToken);
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();

        // Whole hours from rollups, the partial first hour from its rounds.
        var firstWholeHour = TableKeys.HourOf(from) == from ? from : TableKeys.HourOf(from).AddHours(1);
        var compactedThrough = await CompactedThroughAsync(probe, cancellationToken);
        var edge = await ReadSamplesAsync(probe, targetName, from, Min(to, firstWholeHour.AddTicks(-1)), compactedThrough, new ProbeBatches(_batches, probe), cancellationToken);
        long count = edge.Count, successes = edge.Count(s => s.IsSuccess);
        if (firstWholeHour <= to)
        {
            foreach (var hour in await GetHourRollupsAsync(probe, targetName, firstWholeHour, to, cancellationToken))
            {
                count += hour.Statistics.Count;
                successes += hour.Statistics.Successes;
            }
        }

        return count == 0 ? null : 100.0 * successes / count;
    }

    /// <summary>The probe that has <paramref name="targetName"/>, checking a given probe id as well.</summary>
    /// <exception cref="UnknownTargetException">No such probe or target, or the name is ambiguous.</exception>
    public async Task<string> ResolveProbeAsync(string? probeId, string targetName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        await _tables.EnsureCreatedAsync(cancellationToken);
        var row = TableKeys.TargetRow(TableKeys.TargetKey(targetName));
        if (probeId is not null)
        {
            var found = await _tables.Targets.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.TargetsPartition(probeId), row, select: KeysOnly, cancellationToken);
            return found.HasValue
                ? probeId
                : throw new UnknownTargetException($"probe '{probeId}' has no target named '{targetName}'");
        }

        var probes = new List<string>();
        await foreach (var entity in _tables.Targets.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"RowKey eq {row}"), select: KeysOnly, cancellationToken: cancellationToken))
        {
            probes.Add(entity.PartitionKey);
        }

        return probes.Count switch
        {
            1 => probes[0],
            0 => throw new UnknownTargetException($"no probe has a target named '{targetName}'"),
            _ => throw new UnknownTargetException($"probes {string.Join(", ", probes)} all have a target named '{targetName}': name the probe"),
        };
    }

    internal async Task<DateTimeOffset?> CompactedThroughAsync(string probeId, CancellationToken cancellationToken)
    {
        // The whole (small) row: selecting a property a row lacks trips the SDK up.
        var probe = await _tables.Targets.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.TargetsPartition(probeId), TableKeys.ProbeRow, cancellationToken: cancellationToken);
        return probe.HasValue ? probe.Value!.GetDateTimeOffset(nameof(ProbeEntity.CompactedThrough))?.ToUniversalTime() : null;
    }

    private async Task<List<Sample>> ReadSamplesAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? compactedThrough, ProbeBatches batches, CancellationToken cancellationToken)
    {
        var samples = new List<Sample>();
        if (to < from)
        {
            return samples;
        }

        var key = TableKeys.TargetKey(targetName);
        var batchesFrom = from;
        if (compactedThrough is { } compacted && compacted > from)
        {
            var hoursTo = Min(to, compacted.AddTicks(-1));
            for (var day = TableKeys.DayOf(from); day <= hoursTo; day = day.AddDays(1))
            {
                var firstHour = Max(TableKeys.HourOf(from), day);
                var lastHour = Min(TableKeys.HourOf(hoursTo), day.AddHours(23));
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {TableKeys.SamplePartition(probeId, day)} and RowKey ge {TableKeys.SampleRow(key, firstHour)} and RowKey le {TableKeys.SampleRow(key, lastHour)}");
                await foreach (var entity in _tables.Samples.QueryAsync<HourSamplesEntity>(filter, cancellationToken: cancellationToken))
                {
                    samples.AddRange(HourSlots.Unpack(entity.Hour.ToUniversalTime(), entity.Slots).Samples(from, hoursTo));
                }
            }

            batchesFrom = compacted;
        }

        if (batchesFrom <= to)
        {
            samples.AddRange(BatchRounds.Of(await batches.ReadAsync(batchesFrom, to + MaxBatchSpan, cancellationToken), targetName).Where(s => s.Time >= batchesFrom && s.Time <= to));
        }

        return samples;
    }

    /// <summary>Stored rollup rows of complete hours, and the rounds of the hours compaction has not completed.</summary>
    /// <summary>
    /// A target's stored hour rollup rows for the UTC hours <paramref name="firstHour"/> to <paramref name="lastHour"/>
    /// (both included), oldest first: one range scan per month partition. Rows may cover their hour only in part.
    /// </summary>
    internal async IAsyncEnumerable<HourRollupEntity> HourRollupRowsAsync(
        string probeId, string targetName, DateTimeOffset firstHour, DateTimeOffset lastHour, IEnumerable<string>? select,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = TableKeys.TargetKey(targetName);
        for (var month = new DateTimeOffset(firstHour.Year, firstHour.Month, 1, 0, 0, 0, TimeSpan.Zero); month <= lastHour; month = month.AddMonths(1))
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {TableKeys.RollupPartition(probeId, month)} and RowKey ge {TableKeys.RollupRow(key, Max(firstHour, month))} and RowKey le {TableKeys.RollupRow(key, Min(lastHour, month.AddMonths(1).AddHours(-1)))}");
            await foreach (var entity in _tables.Rollups.QueryAsync<HourRollupEntity>(filter, select: select, cancellationToken: cancellationToken))
            {
                yield return entity;
            }
        }
    }

    private async Task<(List<HourRollupEntity> Stored, List<Sample> Tail)> ReadRollupsAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, IEnumerable<string>? select, DateTimeOffset? compactedThrough,
        ProbeBatches batches, CancellationToken cancellationToken)
    {
        var firstHour = TableKeys.HourOf(from);
        var lastHour = TableKeys.HourOf(to);
        var stored = new List<HourRollupEntity>();
        var firstIncomplete = firstHour;
        if (compactedThrough is { } compacted)
        {
            await foreach (var entity in HourRollupRowsAsync(probeId, targetName, firstHour, lastHour, select, cancellationToken))
            {
                if (entity.CoveredUntil >= entity.Hour.AddHours(1))
                {
                    stored.Add(entity);
                }
            }

            firstIncomplete = Max(firstHour, TableKeys.HourOf(compacted));
        }

        var tail = firstIncomplete <= to
            ? await ReadSamplesAsync(probeId, targetName, firstIncomplete, Max(to, lastHour.AddHours(1).AddTicks(-1)), compactedThrough, batches, cancellationToken)
            : [];
        var storedHours = stored.Select(e => e.Hour.ToUniversalTime()).ToHashSet();
        return (stored, tail.Where(s => !storedHours.Contains(TableKeys.HourOf(s.Time))).ToList());
    }

    private static IEnumerable<Rollup> Summarize(string probeId, string targetName, IEnumerable<Sample> samples, TimeSpan length) =>
        samples
            .GroupBy(s => new DateTimeOffset(s.Time.UtcTicks - s.Time.UtcTicks % length.Ticks, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g => new Rollup { ProbeId = probeId, TargetName = targetName, Start = g.Key, Length = length, Statistics = SampleStatistics.Of(g) });

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>
/// One probe's targets read with its compaction point and uncompacted batches read once (<see cref="SampleReader.OfProbeAsync"/>).
/// Safe to use from parallel reads of its targets.
/// </summary>
public sealed class ProbeSamples
{
    private readonly SampleReader _reader;
    private readonly DateTimeOffset? _compactedThrough;
    private readonly ProbeBatches _batches;

    internal ProbeSamples(SampleReader reader, string probeId, DateTimeOffset? compactedThrough, ProbeBatches batches)
    {
        _reader = reader;
        ProbeId = probeId;
        _compactedThrough = compactedThrough;
        _batches = batches;
    }

    public string ProbeId { get; }

    /// <summary>As <see cref="SampleReader.GetHourRollupsAsync"/> for a target of this probe; none for a target it does not have.</summary>
    public Task<IReadOnlyList<Rollup>> GetHourRollupsAsync(string targetName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _reader.HourRollupsAsync(ProbeId, targetName, from, to, _compactedThrough, _batches, cancellationToken);
}

/// <summary>
/// A probe's batches over a range, read on first use and handed to every later caller that asks for the same range
/// (the targets of one probe over one request ask for the same one); another range is read on its own.
/// </summary>
internal sealed class ProbeBatches(BatchStore store, string probeId)
{
    private readonly Lock _gate = new();
    private (DateTimeOffset From, DateTimeOffset To, Task<List<StoredBatch>> Read)? _first;

    /// <summary>The batches of the probe whose last round is in the range; callers only read the list.</summary>
    public Task<List<StoredBatch>> ReadAsync(DateTimeOffset lastFrom, DateTimeOffset lastTo, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_first is null)
            {
                _first = (lastFrom, lastTo, store.ReadAsync(probeId, lastFrom, lastTo, cancellationToken));
                return _first.Value.Read;
            }

            if (_first.Value.From == lastFrom && _first.Value.To == lastTo)
            {
                return _first.Value.Read;
            }
        }

        return store.ReadAsync(probeId, lastFrom, lastTo, cancellationToken);
    }
}
