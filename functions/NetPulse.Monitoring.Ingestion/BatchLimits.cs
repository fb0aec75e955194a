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
    /// <summary>How long before its window a restarted probe's first batch may have been numbered (startup, a late first window).</summary>
    private static readonly TimeSpan RestartTolerance = TimeSpan.FromDays(1);

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

        if (JumpsTooFar(message, await HighestAsync(batch.ProbeId, fresh: false, cancellationToken))
            && await HighestAsync(batch.ProbeId, fresh: true, cancellationToken) is { } highest && JumpsTooFar(message, highest))
        {
            throw Refused(
                $"batch {message.Sequence} of probe {batch.ProbeId} jumps {message.Sequence - highest} past its highest stored sequence {highest} (and is no restart of its numbering at its window start's Unix milliseconds)",
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

    /// <summary>
    /// Further past <paramref name="highest"/> than <see cref="LimitsOptions.MaxSequenceJump"/>, and no restart of the
    /// probe's numbering: that gives the first batch after it the clock's Unix milliseconds, at most the start of
    /// its window and not a day before it.
    /// </summary>
    private bool JumpsTooFar(PingBatch message, long? highest)
    {
        if (highest is not { } last || message.Sequence - last <= _limits.MaxSequenceJump)
        {
            return false;
        }

        var windowMs = message.WindowStart.ToUnixTimeMilliseconds();
        return !(message.Sequence <= windowMs && windowMs - message.Sequence <= RestartTolerance.TotalMilliseconds);
    }

    /// <param name="fresh">Read the table even if this instance knows a value: before refusing, since another instance may have stored higher ones.</param>
    private async Task<long?> HighestAsync(string probeId, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _highest.TryGetValue(probeId, out long known))
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
