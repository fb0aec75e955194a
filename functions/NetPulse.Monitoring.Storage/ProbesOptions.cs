using System.Globalization;

namespace NetPulse.Monitoring.Storage;

/// <summary>The registered probes and their keys ("NetPulse:Probes").</summary>
public sealed class ProbesOptions
{
    public const string Section = "NetPulse:Probes";

    /// <summary>How many probes may be registered (and not revoked) at once: a stolen admin token cannot fill the table.</summary>
    public int MaxProbes { get; set; } = 50;

    /// <summary>
    /// How long an ingestion instance trusts a probe's key as read from the probes table. A revoke (or a replaced
    /// key) takes effect on every instance within this time; an unknown probe is never cached, so a new
    /// registration takes effect at once.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many probes' keys an instance keeps in memory at most; the least recently used go first.</summary>
    public int KeyCacheSize { get; set; } = 1000;

    internal static readonly TimeSpan MaxKeyCacheDuration = TimeSpan.FromMinutes(10);
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

        if (options.KeyCacheSize is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProbesOptions.Section}:KeyCacheSize is {options.KeyCacheSize}; it must be between 1 and 100000"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
