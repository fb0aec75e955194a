using System.Globalization;

namespace NetPulse.Monitoring.Storage;

/// <summary>The registered probes and their keys ("NetPulse:Probes").</summary>
public sealed class ProbesOptions
{
    public const string Section = "NetPulse:Probes";

    /// <summary>How many probes may be registered (and not revoked) at once: a stolen admin token cannot fill the table.</summary>
    public int MaxProbes { get; set; } = 50;

    /// <summary>
    /// How long an instance trusts a probe's key (and its revoked or not) as read from the probes table, for batches and
    /// for the probe's signed target-list fetch. A revoke or a replaced key made through this instance's API takes effect
    /// at once; made through another instance, within this time. Long, because every probe's every batch and every
    /// minute's fetch would otherwise read it.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an instance remembers that a probe id is not registered, so a flood of requests or batches naming one
    /// bad id costs one read per this time, not one each. A registration through this instance's API takes effect at
    /// once; through another instance, within this time. Short: a probe enrolled a moment ago must not wait long.
    /// </summary>
    public TimeSpan UnknownProbeCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an instance answers a probe's target-list fetch (If-None-Match) from the list's version it read last,
    /// without a read. A change through this instance's API takes effect at once; through another instance, within this
    /// time (plus the probe's refresh).
    /// </summary>
    public TimeSpan TargetListCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many probes an instance keeps in each of its probe caches (keys, unknown ids, list versions) at most; the
    /// least recently used go first.
    /// </summary>
    public int KeyCacheSize { get; set; } = 1000;

    internal static readonly TimeSpan MaxKeyCacheDuration = TimeSpan.FromMinutes(15);

    internal static readonly TimeSpan MaxUnknownProbeCacheDuration = TimeSpan.FromMinutes(5);

    internal static readonly TimeSpan MaxTargetListCacheDuration = TimeSpan.FromMinutes(15);
}

internal sealed class ProbesOptionsValidator : IValidateOptions<ProbesOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxProbes is < 1 or > 10_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProbesOptions.Section}:MaxProbes is {options.MaxProbes}; it must be between 1 and 10000"));
        }

        if (options.KeyCacheDuration < TimeSpan.Zero || options.KeyCacheDuration > ProbesOptions.MaxKeyCacheDuration)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{ProbesOptions.Section}:KeyCacheDuration is {options.KeyCacheDuration}; it must be between 00:00:00 and {ProbesOptions.MaxKeyCacheDuration} (a revoke waits this long)"));
        }

        if (options.UnknownProbeCacheDuration < TimeSpan.Zero || options.UnknownProbeCacheDuration > ProbesOptions.MaxUnknownProbeCacheDuration)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{ProbesOptions.Section}:UnknownProbeCacheDuration is {options.UnknownProbeCacheDuration}; it must be between 00:00:00 and {ProbesOptions.MaxUnknownProbeCacheDuration} (a registration made on another instance waits this long)"));
        }

        if (options.TargetListCacheDuration < TimeSpan.Zero || options.TargetListCacheDuration > ProbesOptions.MaxTargetListCacheDuration)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{ProbesOptions.Section}:TargetListCacheDuration is {options.TargetListCacheDuration}; it must be between 00:00:00 and {ProbesOptions.MaxTargetListCacheDuration} (a change made on another instance waits this long)"));
        }

        if (options.KeyCacheSize is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProbesOptions.Section}:KeyCacheSize is {options.KeyCacheSize}; it must be between 1 and 100000"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
