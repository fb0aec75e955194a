using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// The registered probes as ingestion trusts them: <see cref="ProbeRegistry.GetCachedAsync"/>, the cache the probe's
/// signed fetch shares, so a steady stream of batches and fetches costs one read per probe per
/// <see cref="ProbesOptions.KeyCacheDuration"/>. A revoke or a replaced key through this instance's API takes effect
/// at once; through another instance, within that time. An unknown probe is remembered for
/// <see cref="ProbesOptions.UnknownProbeCacheDuration"/>.
/// </summary>
internal sealed class ProbeKeyCache
{
    private readonly ProbeRegistry _registry;

    public ProbeKeyCache(ProbeRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>The probe as registered, at most <see cref="ProbesOptions.KeyCacheDuration"/> old; null when not registered.</summary>
    public Task<RegisteredProbe?> GetAsync(string probeId, CancellationToken cancellationToken) =>
        _registry.GetCachedAsync(probeId, cancellationToken);

    /// <summary>How many probes are cached now; for tests of the bound.</summary>
    internal int Count => _registry.CachedCount;
}
