namespace NetPulse.Probe.Paths;

/// <summary>
/// A token bucket over <see cref="System.Diagnostics.Stopwatch"/> timestamps, shared by every path snapshot in the
/// process so that several snapshots at once (trouble on many targets together) still send at most this rate.
/// </summary>
internal sealed class ProbeRateLimit
{
    private readonly Lock _lock = new();
    private readonly double _perTick;
    private readonly double _burst;
    private double _tokens;
    private long _last;

    public ProbeRateLimit(double perSecond, int burst, long timestampFrequency, long now)
    {
        _perTick = perSecond / timestampFrequency;
        _burst = burst;
        _tokens = burst;
        _last = now;
    }

    /// <summary>Takes a token and answers <paramref name="now"/>, or takes none and answers when one will be there.</summary>
    public long TryTake(long now)
    {
        lock (_lock)
        {
            if (now > _last)
            {
                _tokens = Math.Min(_burst, _tokens + ((now - _last) * _perTick));
                _last = now;
            }

            if (_tokens >= 1)
            {
                _tokens -= 1;
                return now;
            }

            return now + (long)Math.Ceiling((1 - _tokens) / _perTick);
        }
    }
}
