using System.Globalization;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// The read-only share links ("NetPulse:Shares"). Their signing key is the acknowledge links' key,
/// "NetPulse:Alerts:AcknowledgeKey": unset, no share link is made or accepted.
/// </summary>
public sealed class ShareLinkOptions
{
    public const string Section = "NetPulse:Shares";

    /// <summary>The hard ceiling of <see cref="MaxLifetime"/>: a link for an ISP is for one complaint, not for ever.</summary>
    public static readonly TimeSpan LifetimeCeiling = TimeSpan.FromDays(90);

    /// <summary>How long a link works when its request names no expiresIn.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The longest expiresIn a request may ask for; at most 90 days.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How far back a target link shows data when its request names no from.</summary>
    public TimeSpan DefaultHistory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Reads per link and minute on one instance; more are answered 429. The shared page polls about 6 a minute.</summary>
    public int ReadsPerMinute { get; set; } = 120;

    /// <summary>Links that are neither expired nor revoked, at most: a bound on what can be out there.</summary>
    public int MaxActiveLinks { get; set; } = 200;
}

internal sealed class ShareLinkOptionsValidator : IValidateOptions<ShareLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, ShareLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var s = ShareLinkOptions.Section;
        if (options.MaxLifetime < TimeSpan.FromHours(1) || options.MaxLifetime > ShareLinkOptions.LifetimeCeiling)
        {
            failures.Add($"{s}:MaxLifetime is {options.MaxLifetime}; it must be between 01:00:00 and 90.00:00:00");
        }

        if (options.DefaultLifetime < TimeSpan.FromHours(1) || options.DefaultLifetime > options.MaxLifetime)
        {
            failures.Add($"{s}:DefaultLifetime is {options.DefaultLifetime}; it must be at least 01:00:00 and at most {s}:MaxLifetime ({options.MaxLifetime})");
        }

        if (options.DefaultHistory < TimeSpan.FromHours(1) || options.DefaultHistory > TargetsHandler.MaxSeriesLength)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{s}:DefaultHistory is {options.DefaultHistory}; it must be between 01:00:00 and {TargetsHandler.MaxSeriesLength.TotalDays:0}.00:00:00"));
        }

        if (options.ReadsPerMinute is < 10 or > 10_000)
        {
            failures.Add($"{s}:ReadsPerMinute is {options.ReadsPerMinute}; it must be between 10 and 10000");
        }

        if (options.MaxActiveLinks is < 1 or > 10_000)
        {
            failures.Add($"{s}:MaxActiveLinks is {options.MaxActiveLinks}; it must be between 1 and 10000");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>A file of an evidence pack, opened for a share link's reader.</summary>
public sealed record SharedPackFile(Stream Content, string ContentType, string FileName);

/// <summary>
/// Where a share link's evidence pack comes from: the pack store implements it (the composition root registers it over
/// the default, which has no packs). <paramref name="file"/> is one of <see cref="SharePack.Files"/>.
/// </summary>
public interface ISharedPackSource
{
    /// <summary>The file, or null when there is no such pack or file.</summary>
    Task<SharedPackFile?> OpenAsync(string probeId, string kind, string period, string file, CancellationToken cancellationToken);
}

/// <summary>A shared pack's files come from the evidence store, the one reader of stored packs.</summary>
internal sealed class StoredEvidencePacks(Evidence.EvidenceStore store) : ISharedPackSource
{
    public async Task<SharedPackFile?> OpenAsync(string probeId, string kind, string period, string file, CancellationToken cancellationToken) =>
        await store.OpenAsync(probeId, kind, period, file, cancellationToken) is { } download
            ? new SharedPackFile(new MemoryStream(download.Content, writable: false), download.ContentType, download.FileName)
            : null;
}

/// <summary>
/// Bounds the reads per link on this instance: a fixed one-minute window per link id. Cheap and per instance only (a
/// scaled-out app allows that many per instance); it stops one leaked link from being used to hammer storage. The
/// table of counts is cleared each minute and holds at most 10,000 links; beyond that a read is let through rather
/// than the memory grown.
/// </summary>
internal sealed class ShareReadLimiter(IOptions<ShareLinkOptions> options, TimeProvider time)
{
    private const int MaxTracked = 10_000;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _minute = -1;

    /// <summary>False when the link has had its reads for this minute.</summary>
    public bool TryRead(string linkId)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_lock)
        {
            if (minute != _minute)
            {
                _minute = minute;
                _counts.Clear();
            }

            var count = _counts.GetValueOrDefault(linkId);
            if (count == 0 && _counts.Count >= MaxTracked)
            {
                return true;
            }

            if (count >= options.Value.ReadsPerMinute)
            {
                return false;
            }

            _counts[linkId] = count + 1;
            return true;
        }
    }
}
