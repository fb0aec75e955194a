using System.Globalization;
using NetPulse.Monitoring.Reports;

namespace NetPulse.Monitoring.Evidence;

/// <summary>How long an evidence pack covers.</summary>
public enum EvidencePeriodKind
{
    /// <summary>Monday to Sunday, local dates.</summary>
    Week,

    /// <summary>The 1st to the last day of a calendar month, local dates.</summary>
    Month,
}

/// <summary>
/// A run of whole local days in the report time zone, as a UTC range from the first day's local midnight to the
/// midnight after the last day (<see cref="ReportDay"/> decides where a day begins). A week holding the spring-forward
/// day is 167 hours long, one holding the fall-back day 169.
/// </summary>
public sealed record EvidencePeriod
{
    private EvidencePeriod(EvidencePeriodKind kind, DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        Kind = kind;
        FirstDate = first;
        LastDate = last;
        Zone = zone;
        From = ReportDay.Of(first, zone).From;
        To = ReportDay.Of(last, zone).To;
    }

    public EvidencePeriodKind Kind { get; }

    public DateOnly FirstDate { get; }

    /// <summary>The period's last local date (included).</summary>
    public DateOnly LastDate { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The first day's local midnight, in UTC.</summary>
    public DateTimeOffset From { get; }

    /// <summary>The local midnight after the last day, in UTC (exclusive).</summary>
    public DateTimeOffset To { get; }

    public TimeSpan Length => To - From;

    /// <summary>The local dates, first to last.</summary>
    public IEnumerable<DateOnly> Dates
    {
        get
        {
            for (var date = FirstDate; date <= LastDate; date = date.AddDays(1))
            {
                yield return date;
            }
        }
    }

    /// <summary>The period's name in URLs and file names: "2026-W13" (ISO week) or "2026-03".</summary>
    public string Id => Kind == EvidencePeriodKind.Week
        ? string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(FirstDate.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(FirstDate.ToDateTime(TimeOnly.MinValue)):00}")
        : FirstDate.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The ISO week (Monday to Sunday) that holds <paramref name="date"/>.</summary>
    public static EvidencePeriod WeekOf(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var monday = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
        return new EvidencePeriod(EvidencePeriodKind.Week, monday, monday.AddDays(6), zone);
    }

    /// <summary>The calendar month that holds <paramref name="date"/>.</summary>
    public static EvidencePeriod MonthOf(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var first = new DateOnly(date.Year, date.Month, 1);
        return new EvidencePeriod(EvidencePeriodKind.Month, first, first.AddMonths(1).AddDays(-1), zone);
    }

    /// <summary>A period by its <see cref="Id"/>; null when the text is no week or month id.</summary>
    public static EvidencePeriod? TryParse(string? id, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (id is { Length: 8 } && id[4] == '-' && id[5] == 'W'
            && int.TryParse(id.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(id.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            && year is >= 2000 and <= 9998 && week >= 1 && week <= ISOWeek.GetWeeksInYear(year))
        {
            return WeekOf(DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)), zone);
        }

        return DateOnly.TryParseExact(id + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? MonthOf(month, zone)
            : null;
    }

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;
}
