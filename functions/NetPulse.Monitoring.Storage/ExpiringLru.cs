namespace NetPulse.Monitoring.Storage;

/// <summary>
/// A bounded map of answers read from storage, each kept for the time to live it was stored with on the injected
/// clock; when full, the least recently used leaves first, so an instance's memory cannot grow with what callers ask.
/// </summary>
/// <remarks>
/// <see cref="Invalidate"/> drops a key at once, and also stops a read that was under way when it was called from
/// storing what it read before the change: a caller takes <see cref="Stamp"/> before it reads storage and hands it to
/// <see cref="Set"/>, which stores nothing when any invalidation came in between (rare: invalidations are admin changes).
/// </remarks>
internal sealed class ExpiringLru<TValue>
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _invalidations;

    public ExpiringLru(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        Capacity = capacity;
        _time = time;
    }

    public int Capacity { get; }

    /// <summary>How many keys are held now (expired ones included until they are asked for or pushed out).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The value stored for <paramref name="key"/> while its time to live lasts; an expired one is dropped.</summary>
    public bool TryGet(string key, out TValue value)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (now < node.Value.ExpiresAt)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }

                _recency.Remove(node);
                _entries.Remove(key);
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Taken before a read of storage whose answer goes to <see cref="Set"/>.</summary>
    public long Stamp()
    {
        lock (_lock)
        {
            return _invalidations;
        }
    }

    /// <summary>
    /// Stores <paramref name="value"/> for <paramref name="timeToLive"/> (nothing when it is not positive), unless an
    /// invalidation came after <paramref name="stamp"/>: then the value may predate a change and is not kept.
    /// </summary>
    public void Set(string key, TValue value, TimeSpan timeToLive, long stamp)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            return;
        }

        var expiresAt = _time.GetUtcNow() + timeToLive;
        lock (_lock)
        {
            if (stamp != _invalidations)
            {
                return;
            }

            if (_entries.Remove(key, out var old))
            {
                _recency.Remove(old);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, value, expiresAt));
            while (_entries.Count > Capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>Drops <paramref name="key"/> and keeps any read under way now from storing its answer.</summary>
    public void Invalidate(string key)
    {
        lock (_lock)
        {
            _invalidations++;
            if (_entries.Remove(key, out var node))
            {
                _recency.Remove(node);
            }
        }
    }

    private sealed record Entry(string Key, TValue Value, DateTimeOffset ExpiresAt);
}
