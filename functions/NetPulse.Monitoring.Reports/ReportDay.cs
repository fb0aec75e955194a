namespace NetPulse.Monitoring.Reports;

/// <summary>
/// A local calendar day as a UTC range: from local midnight to the next local midnight in the report's time
/// zone. Usually 24 hours; 23 on the day clocks go forward, 25 on the day they go back.
/// </summary>
public sealed record ReportDay
{
    private ReportDay(DateOnly date, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        Date = date;
        Zone = zone;
        From = from;
        To = to;
    }

    public DateOnly Date { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Local midnight, in UTC.</summary>
    public DateTimeOffset From { get; }

    /// <summary>The next local midnight, in UTC (exclusive).</summary>
    public DateTimeOffset To { get; }

    public TimeSpan Length => To - From;

    public static ReportDay Of(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return new ReportDay(date, zone, StartOf(date, zone), StartOf(date.AddDays(1), zone));
    }

    /// <summary>The local date at <paramref name="instant"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;

    /// <summary>
    /// The instant the local date begins. Where clocks jump at midnight (some zones start summer time at
    /// 00:00), midnight does not exist and the day begins at the jump; where they fall back across midnight,
    /// the day begins at the first of the two midnights.
    /// </summary>
    private static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var first = midnight;
        while (zone.IsInvalidTime(first))
        {
            // Gaps are whole minutes long in every zone: the first valid minute is the jump itself.
            first = first.AddMinutes(1);
        }

        if (first != midnight)
        {
            return new DateTimeOffset(first, zone.GetUtcOffset(first)).ToUniversalTime();
        }

        var offset = zone.IsAmbiguousTime(midnight)
            ? zone.GetAmbiguousTimeOffsets(midnight).Max()
            : zone.GetUtcOffset(midnight);
        return new DateTimeOffset(midnight, offset).ToUniversalTime();
    }
}
