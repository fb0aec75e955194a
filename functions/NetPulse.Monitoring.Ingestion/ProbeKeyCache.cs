using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// The registered probes as ingestion last read them, so a steady stream of batches costs no extra Table read
/// each. An entry lives <see cref="ProbesOptions.KeyCacheDuration"/> (a revoke or a replaced key takes effect
/// within it) and at most <see cref="ProbesOptions.KeyCacheSize"/> probes are kept, the least recently used
/// leaving first. An unknown probe is not cached: registering one takes effect at once.
/// </summary>
internal sealed class ProbeKeyCache
{
    private readonly ProbeRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ProbesOptions _options;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();

    public ProbeKeyCache(ProbeRegistry registry, TimeProvider time, IOptions<ProbesOptions> options)
    {
        _registry = registry;
        _time = time;
        _options = options.Value;
    }

    /// <summary>The probe as registered, at most <see cref="ProbesOptions.KeyCacheDuration"/> old; null when not registered.</summary>
    public async Task<RegisteredProbe?> GetAsync(string probeId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(probeId, out var node))
            {
                if (now - node.Value.ReadAt < _options.KeyCacheDuration)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    return node.Value.Probe;
                }

                _recency.Remove(node);
                _entries.Remove(probeId);
            }
        }

        var probe = await _registry.GetAsync(probeId, cancellationToken);
        if (probe is not null && _options.KeyCacheDuration > TimeSpan.Zero)
        {
            lock (_lock)
            {
                if (_entries.Remove(probeId, out var stale))
                {
                    _recency.Remove(stale);
                }

                _entries[probeId] = _recency.AddFirst(new Entry(probe, now));
                while (_entries.Count > _options.KeyCacheSize)
                {
                    var oldest = _recency.Last!;
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.Probe.Id);
                }
            }
        }

        return probe;
    }

    /// <summary>How many probes are cached now; for tests of the bound.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private sealed record Entry(RegisteredProbe Probe, DateTimeOffset ReadAt);
}
