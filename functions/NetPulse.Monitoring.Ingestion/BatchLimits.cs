using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// The caps of <see cref="LimitsOptions"/> on one batch: its targets, the probe's distinct target names on the UTC day
/// its window starts, and how far its sequence runs ahead of the probe's highest stored one. A batch over a cap is
/// refused with <see cref="InvalidPingBatchException"/> naming the limit, the value and the setting, before anything
/// of it is stored (the name count is written last, and only for a batch within every cap).
/// </summary>
internal sealed class BatchLimits : IDisposable
{
    private readonly BatchStore _batches;
    private readonly TargetNamesPerDay _names;
    private readonly LimitsOptions _limits;
    private readonly TimeSpan _backlogLimit;
    private readonly TimeProvider _time;

    /// <summary>Each probe's highest stored sequence as this instance knows it (a lower one only makes the check stricter by what it missed).</summary>
    private readonly MemoryCache _highest;

    public BatchLimits(BatchStore batches, TargetNamesPerDay names, IOptions<LimitsOptions> limits, IOptions<StorageOptions> storage, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(storage);
        _batches = batches;
        _names = names;
        _limits = limits.Value;
        _backlogLimit = storage.Value.BacklogLimit;
        _time = time;
        _highest = new MemoryCache(new MemoryCacheOptions { SizeLimit = _limits.MaxCachedProbes });
    }

    public void Dispose() => _highest.Dispose();

    /// <exception cref="InvalidPingBatchException">The batch is over a cap.</exception>
    public async Task CheckAsync(PingBatch message, StoredBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(batch);
        if (message.Targets.Count > _limits.MaxTargetsPerProbe)
        {
            throw Refused($"batch {batch.Sequence} of probe {batch.ProbeId} has {message.Targets.Count} targets", nameof(LimitsOptions.MaxTargetsPerProbe), _limits.MaxTargetsPerProbe);
        }

        if (await HighestAsync(batch.ProbeId, cancellationToken) is { } highest && message.Sequence - highest > _limits.MaxSequenceJump
            && message.Sequence > message.WindowStart.ToUnixTimeMilliseconds())
        {
            throw Refused(
                $"batch {message.Sequence} of probe {batch.ProbeId} jumps {message.Sequence - highest} past its highest stored sequence {highest} (and is no restart of the numbering at the clock's Unix milliseconds)",
                nameof(LimitsOptions.MaxSequenceJump), _limits.MaxSequenceJump);
        }

        var day = TableKeys.DayOf(message.WindowStart);
        if (await _names.TryAddAsync(batch.ProbeId, day, message.Targets.Select(t => t.Name), _limits.MaxTargetNamesPerDay, cancellationToken) is { } count)
        {
            throw Refused(
                $"batch {batch.Sequence} of probe {batch.ProbeId} would make {count} distinct target names on {day:yyyy-MM-dd} (UTC)",
                nameof(LimitsOptions.MaxTargetNamesPerDay), _limits.MaxTargetNamesPerDay);
        }
    }

    /// <summary>Notes a stored batch's sequence.</summary>
    public void Accepted(StoredBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_highest.TryGetValue(batch.ProbeId, out long known) || known < batch.Sequence)
        {
            _highest.Set(batch.ProbeId, batch.Sequence, new MemoryCacheEntryOptions { Size = 1 });
        }
    }

    private async Task<long?> HighestAsync(string probeId, CancellationToken cancellationToken)
    {
        if (_highest.TryGetValue(probeId, out long known))
        {
            return known;
        }

        var newest = await _batches.NewestAsync(probeId, _time.GetUtcNow(), (int)Math.Ceiling(_backlogLimit.TotalDays), cancellationToken);
        if (newest is not null)
        {
            _highest.Set(probeId, newest.Sequence, new MemoryCacheEntryOptions { Size = 1 });
        }

        return newest?.Sequence;
    }

    private static InvalidPingBatchException Refused(string what, string setting, long limit) => new(string.Create(
        CultureInfo.InvariantCulture, $"{what}; the limit is {limit} ({LimitsOptions.Section}:{setting}), so it is not stored"));
}
