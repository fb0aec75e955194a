using NetPulse.Contracts;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Batching;

/// <summary>
/// The batch being filled. It refuses a sample that would break a rule of the contract or push the
/// message past <see cref="PingBatchCodec.MaxBodyBytes"/>, so the batcher closes it first; whatever it
/// accepted always encodes. It also refuses a sample of another clock epoch: when the wall clock steps
/// (see <c>Icmp.WallClockAnchor</c>) the open batch closes early and the next window starts on the
/// corrected clock, so no batch mixes stamps from before and after a step. Path snapshots ride along
/// (<see cref="TryAddPath"/>), counted in the same estimate; they need a sample to travel with, since a batch
/// without targets is no batch, so an open batch of paths alone keeps room for one.
/// </summary>
internal sealed class OpenBatch
{
    private readonly BatchLayout _layout;

    // Arrival order: the prefix that fits is what a split keeps, the rest opens the next batch.
    private readonly List<PendingSample> _samples = [];
    private readonly Dictionary<int, List<long>> _timesByTarget = [];
    private long _earliestMs = long.MaxValue;
    private long _latestMs = long.MinValue;
    private readonly List<PathSnapshot> _paths = [];
    private readonly List<int> _pathBytes = [];
    private readonly int _maxPaths;
    private int _estimatedBytes;
    private int _clockEpoch;

    /// <param name="maxPaths">The most path snapshots one batch carries (<c>Probe:Paths:MaxPerBatch</c>).</param>
    public OpenBatch(BatchLayout layout, int maxPaths = PingBatchRules.MaxPathsPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPaths);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPaths, PingBatchRules.MaxPathsPerBatch);
        _layout = layout;
        _maxPaths = maxPaths;
        _estimatedBytes = layout.EnvelopeBytes;
    }

    /// <summary>Path snapshots waiting in this batch, oldest first.</summary>
    public int PathCount => _paths.Count;

    /// <summary>The path snapshots waiting in this batch, oldest first (a copy).</summary>
    public IReadOnlyList<PathSnapshot> Paths => [.. _paths];

    public int Count => _samples.Count;

    public bool IsEmpty => _samples.Count == 0;

    /// <summary>An upper bound of the encoded size (wire version 2: of the payload before compression), exact in JSON but for a few bytes of envelope and commas.</summary>
    public int EstimatedBytes => _estimatedBytes;

    /// <summary>
    /// Adds a finished path snapshot if the batch has room for it (count and bytes, keeping room for a first sample when
    /// it has none yet). <see cref="PathAddOutcome.Full"/>: try again in the next batch.
    /// </summary>
    public PathAddOutcome TryAddPath(PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Problems().Any())
        {
            // A batch holding it would not encode: it would take the samples down with it.
            return PathAddOutcome.Invalid;
        }

        var bytes = _layout.PathBytes(snapshot);
        if (_layout.EnvelopeBytes + bytes + _layout.LoneSampleBytes > _layout.MaxLoneBatchBytes)
        {
            return PathAddOutcome.TooBig;
        }

        if (_paths.Count >= _maxPaths || _estimatedBytes + bytes + (IsEmpty ? _layout.LoneSampleBytes : 0) > _layout.MaxEstimatedBytes)
        {
            return PathAddOutcome.Full;
        }

        _paths.Add(snapshot);
        _pathBytes.Add(bytes);
        _estimatedBytes += bytes;
        return PathAddOutcome.Added;
    }

    public AddOutcome TryAdd(PendingSample sample)
    {
        if (!_layout.TryGetTarget(sample.TargetIndex, out _, out var targetBytes))
        {
            return AddOutcome.UnknownTarget;
        }

        if (IsEmpty)
        {
            // A lone sample always fits: the layout checked every target's metadata at start-up.
            Append(sample);
            _estimatedBytes = Estimate(_earliestMs);
            return AddOutcome.Added;
        }

        if (sample.ClockEpoch != _clockEpoch)
        {
            return AddOutcome.Full;
        }

        var times = _timesByTarget.GetValueOrDefault(sample.TargetIndex);
        if (times is null && _timesByTarget.Count >= PingBatchRules.MaxTargetsPerBatch)
        {
            return AddOutcome.Full;
        }

        if (times is not null && IsTooCloseToAnother(times, sample.ScheduledMs))
        {
            // Two rounds of one target less than a second apart (a rescheduled or repeated round)
            // cannot share a batch; the next batch takes it.
            return AddOutcome.Full;
        }

        var earliest = Math.Min(_earliestMs, sample.ScheduledMs);
        var latest = Math.Max(_latestMs, sample.ScheduledMs);
        if (latest - earliest > PingBatchRules.MaxOffsetMs)
        {
            return AddOutcome.Full;
        }

        // A sample from before the window start moves every offset; count them again (rare: a
        // timed-out round finishing after later rounds of faster targets).
        var estimate = earliest < _earliestMs ? Estimate(earliest) : _estimatedBytes;
        estimate += (times is null ? targetBytes : 0) + _layout.SampleBytes((int)(sample.ScheduledMs - earliest), sample.Value);
        if (estimate > _layout.MaxEstimatedBytes)
        {
            return AddOutcome.Full;
        }

        Append(sample);
        _estimatedBytes = estimate;
        return AddOutcome.Added;
    }

    /// <summary>
    /// Encodes the batch as <paramref name="sequence"/>. The running estimate keeps it under the size
    /// limit; should the codec still find it too big, the largest prefix that fits goes and the rest stays.
    /// Call <see cref="RemoveFirst"/> with <see cref="ClosedBatch.Taken"/> once the batch is stored.
    /// </summary>
    /// <exception cref="InvalidPingBatchException">The samples break a contract rule the batch should have prevented.</exception>
    /// <param name="status">How the probe is doing, carried by the batch (null: none).</param>
    public ClosedBatch Close(long sequence, ProbeStatus? status = null)
    {
        if (IsEmpty)
        {
            throw new InvalidOperationException("An empty batch cannot be closed.");
        }

        var taken = _samples.Count;
        var paths = _paths.Count;
        var batch = Build(taken, paths, sequence, status);
        try
        {
            return new ClosedBatch(SpooledBatch.Encode(batch), taken, batch.Targets.Count, paths);
        }
        catch (InvalidPingBatchException) when (PingBatchCodec.MeasureBytes(batch) > PingBatchCodec.MaxBodyBytes)
        {
            // Compressed, it came out bigger than the estimate promised (binary). Path snapshots give way first, the
            // newest before the oldest, down to one so that snapshots always move on; then the samples split. One path
            // and one sample always fit: TryAddPath made sure.
            while (paths > 1 && !Fits(taken, paths, sequence, status))
            {
                paths--;
            }

            if (!Fits(taken, paths, sequence, status))
            {
                taken = LargestPrefixThatFits(paths, sequence, status);
            }

            batch = Build(taken, paths, sequence, status);
            return new ClosedBatch(SpooledBatch.Encode(batch), taken, batch.Targets.Count, paths);
        }
    }

    /// <summary>Forgets the first <paramref name="count"/> samples and <paramref name="paths"/> path snapshots (a closed batch); the rest stay open.</summary>
    public void RemoveFirst(int count, int paths = 0)
    {
        _paths.RemoveRange(0, paths);
        _pathBytes.RemoveRange(0, paths);
        var rest = _samples.GetRange(count, _samples.Count - count);
        _samples.Clear();
        _timesByTarget.Clear();
        _earliestMs = long.MaxValue;
        _latestMs = long.MinValue;
        foreach (var sample in rest)
        {
            Append(sample);
        }

        _estimatedBytes = IsEmpty ? _layout.EnvelopeBytes + _pathBytes.Sum() : Estimate(_earliestMs);
    }

    private static bool IsTooCloseToAnother(List<long> times, long scheduledMs)
    {
        var last = times[^1];
        if (scheduledMs >= last)
        {
            return scheduledMs - last < TargetSettings.MinIntervalMs;
        }

        // Out of order for this target: compare with all of them (a handful per window). A loop, not Exists with a
        // lambda: the lambda's closure was allocated on every call of this method, once per sample.
        foreach (var time in times)
        {
            if (Math.Abs(scheduledMs - time) < TargetSettings.MinIntervalMs)
            {
                return true;
            }
        }

        return false;
    }

    private void Append(PendingSample sample)
    {
        _clockEpoch = sample.ClockEpoch;
        _samples.Add(sample);
        if (!_timesByTarget.TryGetValue(sample.TargetIndex, out var times))
        {
            times = [];
            _timesByTarget.Add(sample.TargetIndex, times);
        }

        times.Add(sample.ScheduledMs);
        _earliestMs = Math.Min(_earliestMs, sample.ScheduledMs);
        _latestMs = Math.Max(_latestMs, sample.ScheduledMs);
    }

    private int Estimate(long earliestMs)
    {
        var bytes = _layout.EnvelopeBytes + _pathBytes.Sum();
        foreach (var index in _timesByTarget.Keys)
        {
            _layout.TryGetTarget(index, out _, out var targetBytes);
            bytes += targetBytes;
        }

        foreach (var sample in _samples)
        {
            bytes += _layout.SampleBytes((int)(sample.ScheduledMs - earliestMs), sample.Value);
        }

        return bytes;
    }

    private bool Fits(int count, int paths, long sequence, ProbeStatus? status) =>
        PingBatchCodec.MeasureBytes(Build(count, paths, sequence, status)) <= PingBatchCodec.MaxBodyBytes;

    private int LargestPrefixThatFits(int paths, long sequence, ProbeStatus? status)
    {
        // A single sample always fits, so the search starts from a known good answer.
        var fits = 1;
        var tooBig = _samples.Count;
        while (tooBig - fits > 1)
        {
            var middle = fits + ((tooBig - fits) / 2);
            if (Fits(middle, paths, sequence, status))
            {
                fits = middle;
            }
            else
            {
                tooBig = middle;
            }
        }

        return fits;
    }

    private PingBatch Build(int count, int paths, long sequence, ProbeStatus? status)
    {
        // Grouped by hand rather than with GroupBy/OrderBy over a copy of the samples: those grew an array per target
        // by doubling and copied the whole batch (tens of thousands of samples) at every close. Measured on 1,000
        // targets (./bench.sh probe), they were about a fifth of everything the probe allocated.
        var windowStartMs = long.MaxValue;
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            var sample = _samples[i];
            windowStartMs = Math.Min(windowStartMs, sample.ScheduledMs);
            counts[sample.TargetIndex] = counts.GetValueOrDefault(sample.TargetIndex) + 1;
        }

        var indexes = counts.Keys.ToArray();
        Array.Sort(indexes);
        var samplesByTarget = new Dictionary<int, WireSample[]>(indexes.Length);
        foreach (var index in indexes)
        {
            samplesByTarget.Add(index, new WireSample[counts[index]]);
            counts[index] = 0;
        }

        for (var i = 0; i < count; i++)
        {
            var sample = _samples[i];
            var filled = counts[sample.TargetIndex]++;
            samplesByTarget[sample.TargetIndex][filled] = new WireSample((int)(sample.ScheduledMs - windowStartMs), sample.Value);
        }

        var targets = new TargetSamples[indexes.Length];
        for (var t = 0; t < indexes.Length; t++)
        {
            var samples = samplesByTarget[indexes[t]];

            // Arrival order is nearly always time order; a late round (no two of one target share a millisecond) is sorted in.
            if (!IsInTimeOrder(samples))
            {
                Array.Sort(samples, static (a, b) => a.OffsetMs.CompareTo(b.OffsetMs));
            }

            _layout.TryGetTarget(indexes[t], out var template, out _);
            targets[t] = template with { Samples = samples };
        }

        return new PingBatch
        {
            Version = _layout.WireVersion,
            ProbeId = _layout.ProbeId,
            Sequence = sequence,
            WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(windowStartMs),
            Targets = targets,
            Status = status,
            Paths = paths > 0 ? _paths.GetRange(0, paths) : null,
        };
    }

    private static bool IsInTimeOrder(WireSample[] samples)
    {
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].OffsetMs < samples[i - 1].OffsetMs)
            {
                return false;
            }
        }

        return true;
    }
}

internal enum AddOutcome
{
    Added,

    /// <summary>The sample does not fit this batch: close it, then add the sample to the next.</summary>
    Full,

    UnknownTarget,
}

internal enum PathAddOutcome
{
    Added,

    /// <summary>No room left in this batch (count or bytes): the next batch takes it.</summary>
    Full,

    /// <summary>Even with the batch to itself and one sample it would not fit a message: no batch can carry it.</summary>
    TooBig,

    /// <summary>It breaks the contract's rules for a snapshot: no batch may carry it.</summary>
    Invalid,
}

/// <summary>A closed batch, encoded, and how many of the open batch's samples (in arrival order) and path snapshots it took.</summary>
internal sealed record ClosedBatch(SpooledBatch Spooled, int Taken, int TargetCount, int PathsTaken = 0);
