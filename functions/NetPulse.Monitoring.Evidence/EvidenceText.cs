using System.Globalization;
using System.Text;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Evidence;

/// <summary>How figures and times read in the pack's PDF and CSV: invariant culture, local times in ISO 8601 with their offset.</summary>
internal static class EvidenceText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"2026-03-29T03:15:07+02:00": the local time in the report zone, to the second, with its UTC offset.</summary>
    public static string Iso(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);

    public static string Number(double? value, string format = "0.00") => value is { } v ? v.ToString(format, Invariant) : "–";

    public static string Number(long value) => value.ToString("N0", Invariant);

    /// <summary>"2 h 05 min 07 s", "45 s".</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Round(span.TotalSeconds);
        var (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return h > 0 ? string.Create(Invariant, $"{h} h {m:00} min {s:00} s")
            : m > 0 ? string.Create(Invariant, $"{m} min {s:00} s")
            : string.Create(Invariant, $"{s} s");
    }

    public static string Role(ControlRole role) => role switch
    {
        ControlRole.Gateway => "gateway/uplink",
        ControlRole.IspEdge => "ISP edge",
        ControlRole.Internet => "internet",
        ControlRole.Other => "other",
    };

    public static string Type(IncidentType type) => IncidentKind.Of(type).ApiName;

    /// <summary>
    /// Text from config as the PDF draws it: control and format characters (which a name should not hold, but a stored
    /// one from an older probe might) become '?', and overlong text is cut with an ellipsis. Drawn as text, never parsed.
    /// </summary>
    public static string Plain(string? text, int maxLength = 64)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var plain = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        foreach (var c in text)
        {
            plain.Append(char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate ? '?' : c);
            if (plain.Length > maxLength)
            {
                plain.Length = maxLength - 1;
                plain.Append('…');
                break;
            }
        }

        return plain.ToString();
    }
}
