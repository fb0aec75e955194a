namespace NetPulse.Probe.Icmp;

/// <summary>
/// Percentiles of send lateness over a recent window, in fixed memory: 10 µs buckets up to 10 ms (where the
/// p99 goal of 5 ms lives), 1 ms buckets up to 1 s, one bucket beyond. Two generations of
/// <c>window</c> each: a percentile covers the last one to two windows. Recording never allocates; one
/// writer (the scheduling thread) and any number of readers share a lock that nobody holds for long.
/// </summary>
internal sealed class LatenessHistogram
{
    private const long FineBucketMicroseconds = 10;
    private const int FineBuckets = 1_000;
    private const long CoarseBucketMicroseconds = 1_000;
    private const int CoarseBuckets = 990;
    private const int BucketCount = FineBuckets + CoarseBuckets + 1;
    private const long FineLimitMicroseconds = FineBucketMicroseconds * FineBuckets;

    private readonly Lock _gate = new();
    private readonly long _windowTimestamps;
    private long[] _current = new long[BucketCount];
    private long[] _previous = new long[BucketCount];
    private long _currentStarted;
    private bool _started;
    private TimeSpan _max;

    public LatenessHistogram(TimeSpan window, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _windowTimestamps = (long)((Int128)window.Ticks * timestampFrequency / TimeSpan.TicksPerSecond);
    }

    public void Record(TimeSpan lateness, long now)
    {
        var bucket = BucketOf(lateness);
        lock (_gate)
        {
            Rotate(now);
            _current[bucket]++;
            if (lateness > _max)
            {
                _max = lateness;
            }
        }
    }

    /// <summary>The lateness below which <paramref name="quantile"/> of the recent requests left (a bucket's upper edge).</summary>
    public TimeSpan Percentile(double quantile, long now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        lock (_gate)
        {
            Rotate(now);
            long total = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                total += _current[i] + _previous[i];
            }

            if (total == 0)
            {
                return TimeSpan.Zero;
            }

            var rank = (long)Math.Ceiling(quantile * total);
            long seen = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                seen += _current[i] + _previous[i];
                if (seen >= rank && seen > 0)
                {
                    return UpperEdge(i);
                }
            }

            return UpperEdge(BucketCount - 1);
        }
    }

    /// <summary>The largest lateness recorded since the engine started.</summary>
    public TimeSpan Max
    {
        get
        {
            lock (_gate)
            {
                return _max;
            }
        }
    }

    /// <summary>How many requests the percentiles cover.</summary>
    public long Count(long now)
    {
        lock (_gate)
        {
            Rotate(now);
            long total = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                total += _current[i] + _previous[i];
            }

            return total;
        }
    }

    private void Rotate(long now)
    {
        if (!_started)
        {
            _started = true;
            _currentStarted = now;
            return;
        }

        var elapsed = now - _currentStarted;
        if (elapsed < _windowTimestamps)
        {
            return;
        }

        if (elapsed >= 2 * _windowTimestamps)
        {
            // Quiet for two windows: everything held is too old.
            Array.Clear(_previous);
            Array.Clear(_current);
        }
        else
        {
            (_previous, _current) = (_current, _previous);
            Array.Clear(_current);
        }

        _currentStarted = now;
    }

    private static int BucketOf(TimeSpan lateness)
    {
        var micros = (long)lateness.TotalMicroseconds;
        if (micros < 0)
        {
            return 0;
        }

        if (micros < FineLimitMicroseconds)
        {
            return (int)(micros / FineBucketMicroseconds);
        }

        var coarse = (micros - FineLimitMicroseconds) / CoarseBucketMicroseconds;
        return coarse < CoarseBuckets ? FineBuckets + (int)coarse : BucketCount - 1;
    }

    private static TimeSpan UpperEdge(int bucket)
    {
        if (bucket < FineBuckets)
        {
            return TimeSpan.FromMicroseconds((bucket + 1) * FineBucketMicroseconds);
        }

        if (bucket < BucketCount - 1)
        {
            return TimeSpan.FromMicroseconds(FineLimitMicroseconds + ((bucket - FineBuckets + 1) * CoarseBucketMicroseconds));
        }

        // Beyond the last bucket nothing is known but "at least a second".
        return TimeSpan.FromMicroseconds(FineLimitMicroseconds + (CoarseBuckets * CoarseBucketMicroseconds));
    }
}
