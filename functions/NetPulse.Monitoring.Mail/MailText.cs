using System.Globalization;
using System.Text;

namespace NetPulse.Monitoring.Mail;

/// <summary>How configured text, durations and times read in a message, in one place so subjects, HTML and text agree.</summary>
public static class MailText
{
    private const int MaxNameLength = 80;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Makes configured text safe for one line: control characters (CR and LF above all, which would
    /// start a new header in a subject) and line separators become spaces, runs of spaces collapse, and
    /// overlong names are cut. HTML escaping is the caller's second step.
    /// </summary>
    public static string SingleLine(string? text, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u2028' or '\u2029')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (builder.Length > maxLength)
            {
                // Never cut a surrogate pair in half.
                builder.Length = char.IsHighSurrogate(builder[maxLength - 1]) ? maxLength - 1 : maxLength;
                builder.Append('…');
                break;
            }
        }

        return builder.ToString();
    }

    /// <summary>"45 s", "12 min 05 s", "4 h 02 min", "3 d 4 h": precise enough to compare, short enough for a subject.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span switch
        {
            { TotalMinutes: < 1 } => string.Create(Invariant, $"{(int)span.TotalSeconds} s"),
            { TotalHours: < 1 } => string.Create(Invariant, $"{span.Minutes} min {span.Seconds:00} s"),
            { TotalDays: < 1 } => string.Create(Invariant, $"{span.Hours} h {span.Minutes:00} min"),
            _ => string.Create(Invariant, $"{(int)span.TotalDays} d {span.Hours} h"),
        };
    }

    /// <summary>"2025-03-01 14:03:05 Europe/Berlin (UTC+01:00)".</summary>
    public static string Local(DateTimeOffset time, TimeZoneInfo zone)
    {
        if (IsUtc(zone))
        {
            return Utc(time);
        }

        var local = TimeZoneInfo.ConvertTime(time, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return string.Create(Invariant, $"{local:yyyy-MM-dd HH:mm:ss} {zone.Id} (UTC{sign}{offset:hh\\:mm})");
    }

    /// <summary>"2025-03-01 13:03:05 UTC".</summary>
    public static string Utc(DateTimeOffset time) =>
        string.Create(Invariant, $"{time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");

    /// <summary>Local time, then UTC unless the zone is UTC itself.</summary>
    public static string LocalAndUtc(DateTimeOffset time, TimeZoneInfo zone) =>
        IsUtc(zone) ? Utc(time) : $"{Local(time, zone)} = {Utc(time)}";

    private static bool IsUtc(TimeZoneInfo zone) => zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime;
}
