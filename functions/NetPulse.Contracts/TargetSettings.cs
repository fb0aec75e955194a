using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NetPulse.Contracts;

/// <summary>
/// A target as the probe is configured to watch it. The one record of a target's settings: it travels in
/// every batch (as the base of <see cref="TargetSamples"/>), is stored with the target, drives detection and
/// is served by the API. A new per-target setting is a property here, a rule in <see cref="Problems"/>, and
/// the places that act on it.
/// </summary>
public record TargetSettings
{
    public const int MaxNameLength = 64;
    public const int MaxHostLength = 253;
    public const int MaxCategoryLength = 64;
    public const int MaxDescriptionLength = 256;

    /// <summary>Targets ping at most once a second, which keeps every sample in a slot of its own second.</summary>
    public const int MinIntervalMs = 1000;

    public const int MaxIntervalMs = 3_600_000;

    public const int MaxLatencyThresholdMs = 60_000;

    /// <summary>
    /// The target's name: unique per probe, 1–64 characters, none of the characters <see cref="DescribeHiddenCharacter"/>
    /// refuses. Text from config: escape it.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>The host as configured: an IPv4 or IPv6 address or a DNS name.</summary>
    public required string Host { get; init; }

    public string? Category { get; init; }

    public string? Description { get; init; }

    /// <summary>The probe's uplink (its gateway or ISP hop): when it is down, other targets' incidents group under it.</summary>
    public bool Uplink { get; init; }

    /// <summary>Milliseconds between this target's rounds.</summary>
    public required int IntervalMs { get; init; }

    /// <summary>Per-target override of the high-latency threshold, in milliseconds.</summary>
    public int? LatencyThresholdMs { get; init; }

    /// <summary>Per-target override of the packet-loss threshold, in percent.</summary>
    public double? LossThresholdPercent { get; init; }

    /// <summary>Just the settings, whatever derived record (a batch's target with its samples) this is.</summary>
    public TargetSettings ToSettings() => GetType() == typeof(TargetSettings) ? this : new TargetSettings(this);

    /// <summary>The settings as JSON, in the wire's names (camelCase, nulls left out): how a stored target keeps them.</summary>
    public string ToJson() => JsonSerializer.Serialize(ToSettings(), PingBatchJsonContext.Default.TargetSettings);

    /// <exception cref="JsonException">The text is not settings JSON.</exception>
    public static TargetSettings FromJson(string json) =>
        JsonSerializer.Deserialize(json, PingBatchJsonContext.Default.TargetSettings) ?? throw new JsonException("target settings are JSON null");

    /// <summary>What is wrong with these settings, each with the field (camelCase, as in JSON) it concerns; empty when valid.</summary>
    public IEnumerable<(string Field, string Problem)> Problems()
    {
        if (DescribeInvalidName(Name) is { } name)
        {
            yield return ("name", name);
        }

        if (string.IsNullOrWhiteSpace(Host) || Host.Length > MaxHostLength)
        {
            yield return ("host", $"must be 1-{MaxHostLength} characters");
        }
        else if (DescribeHiddenCharacter(Host) is { } host)
        {
            yield return ("host", host);
        }

        if (Category is { Length: > MaxCategoryLength })
        {
            yield return ("category", $"is longer than {MaxCategoryLength} characters");
        }
        else if (DescribeHiddenCharacter(Category) is { } category)
        {
            yield return ("category", category);
        }

        if (Description is { Length: > MaxDescriptionLength })
        {
            yield return ("description", $"is longer than {MaxDescriptionLength} characters");
        }
        else if (DescribeHiddenCharacter(Description) is { } description)
        {
            yield return ("description", description);
        }

        if (IntervalMs is < MinIntervalMs or > MaxIntervalMs)
        {
            yield return ("intervalMs", $"is {IntervalMs}; it must be {MinIntervalMs}-{MaxIntervalMs}");
        }

        if (LatencyThresholdMs is <= 0 or > MaxLatencyThresholdMs)
        {
            yield return ("latencyThresholdMs", $"is {LatencyThresholdMs}; it must be 1-{MaxLatencyThresholdMs}");
        }

        if (LossThresholdPercent is { } loss && (double.IsNaN(loss) || loss <= 0 || loss > 100))
        {
            // Invariant: the probe's config check runs under any culture, and the backend's logs read the same everywhere.
            yield return ("lossThresholdPercent", string.Create(CultureInfo.InvariantCulture, $"is {loss}; it must be above 0 and at most 100"));
        }
    }

    /// <summary>Null when <paramref name="name"/> is a valid target name, else what is wrong with it.</summary>
    public static string? DescribeInvalidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"is {name.Length} characters; at most {MaxNameLength} are allowed";
        }

        if (DescribeHiddenCharacter(name) is { } hidden)
        {
            return hidden;
        }

        if (name.Trim().Length != name.Length)
        {
            return "must not start or end with white space";
        }

        return null;
    }

    /// <summary>
    /// Null when <paramref name="text"/> holds no control (Cc), format (Cf), line separator (Zl) or paragraph
    /// separator (Zp) character, else what is wrong, naming the first such code point. These show nothing, or
    /// break a line, where the text is displayed: U+202E RIGHT-TO-LEFT OVERRIDE before "exe.txt" makes it read
    /// "txt.exe", U+200B makes two names that look the same differ, and CR or U+2028 split a log line or a
    /// mail header. Whole code points, so a format character outside the BMP (a tag, U+E0001) is caught too.
    /// </summary>
    public static string? DescribeHiddenCharacter(string? text)
    {
        foreach (var rune in (text ?? "").EnumerateRunes())
        {
            var kind = Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.Control => "a control character",
                UnicodeCategory.Format => "a format character",
                UnicodeCategory.LineSeparator => "a line separator",
                UnicodeCategory.ParagraphSeparator => "a paragraph separator",
                _ => null,
            };
            if (kind is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"must not contain U+{rune.Value:X4} ({kind})");
            }
        }

        return null;
    }
}
