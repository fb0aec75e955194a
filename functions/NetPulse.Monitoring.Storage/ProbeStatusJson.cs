using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>A probe's <see cref="ProbeStatus"/> as the tables keep it (JSON, one column), and when it is worth a write of its own.</summary>
public static class ProbeStatusJson
{
    /// <summary>A clock offset that moved by more than this is news; less is the measurement's own jitter (about a second's resolution).</summary>
    public const int ClockOffsetChangeMs = 1000;

    public static string? ToJson(ProbeStatus? status) =>
        status is null ? null : JsonSerializer.Serialize(status, ProbeStatusJsonContext.Default.ProbeStatus);

    /// <summary>The status a column holds; null for none or for text this version cannot read (a status is never worth failing a read).</summary>
    public static ProbeStatus? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, ProbeStatusJsonContext.Default.ProbeStatus);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="next"/> says something the probe's row should keep: another version, site, ICMP
    /// engine or target list, a spool that started or stopped holding a backlog, a clock that moved by over a second.
    /// Spool depth going 3 → 5 is not: every batch carries the exact figures (its own column), the row only what
    /// outlives a batch without status. No status says nothing.
    /// </summary>
    public static bool ChangedMeaningfully(ProbeStatus? known, ProbeStatus? next)
    {
        if (next is null)
        {
            return false;
        }

        if (known is null)
        {
            return true;
        }

        return known.SoftwareVersion != next.SoftwareVersion
            || known.Site != next.Site
            || known.IcmpEngine != next.IcmpEngine
            || known.TargetListVersion != next.TargetListVersion
            || (known.SpoolDepth > 0) != (next.SpoolDepth > 0)
            || known.ClockOffsetMs.HasValue != next.ClockOffsetMs.HasValue
            || Math.Abs((long)(known.ClockOffsetMs ?? 0) - (next.ClockOffsetMs ?? 0)) > ClockOffsetChangeMs;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProbeStatus))]
internal sealed partial class ProbeStatusJsonContext : JsonSerializerContext;
