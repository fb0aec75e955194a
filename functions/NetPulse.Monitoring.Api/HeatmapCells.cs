using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>The figure a heatmap shows per hour.</summary>
internal enum HeatmapMetric
{
    /// <summary>Failed rounds in percent of the hour's rounds.</summary>
    Loss,

    /// <summary>The hour's nearest-rank 95th percentile RTT, in ms.</summary>
    P95,
}

/// <summary>
/// An hour-of-day × date grid of one target from its UTC hour rollups. Each cell is one real hour: the UTC hour that
/// begins at that local date and hour in the report zone, so a day has the hours its clocks showed, 23 on the day they
/// go forward (the skipped hour is listed in <see cref="HeatmapDay.SkippedHours"/>) and 25 on the day they go back (the
/// repeated hour comes twice, first with the summer offset). Each cell's figure is the stored hour's own, exact. In a
/// zone whose offset is not whole hours (e.g. +05:30) a cell is the UTC hour beginning at local hh:30, named by the
/// hour it begins in.
/// </summary>
internal static class HeatmapCells
{
    /// <param name="hours">The target's hour rollups over the dates, any order.</param>
    /// <param name="to">Hours beginning at or after this (now) are left out: they have not happened.</param>
    public static List<HeatmapDay> Of(
        IEnumerable<Rollup> hours, TimeZoneInfo zone, DateOnly firstDate, DateOnly lastDate, DateTimeOffset to, int intervalMs, HeatmapMetric metric)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(zone);
        var byHour = hours.Where(h => h.Length == TimeSpan.FromHours(1)).ToDictionary(h => h.Start.UtcTicks, h => h.Statistics);
        var expected = 3_600_000.0 / Math.Max(1, intervalMs);
        var days = new List<HeatmapDay>();
        for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
        {
            var day = ReportDay.Of(date, zone);
            var cells = new List<HeatmapCellView>();
            var seen = new bool[24];

            // The day's UTC hours: its first begins at the whole UTC hour at or before local midnight (zones off by half an hour).
            for (var start = FloorHour(day.From); start < day.To && start < to; start = start.AddHours(1))
            {
                var local = TimeZoneInfo.ConvertTime(start, zone);
                if (DateOnly.FromDateTime(local.DateTime) != date)
                {
                    continue;
                }

                seen[local.Hour] = true;
                var statistics = byHour.GetValueOrDefault(start.UtcTicks) ?? SampleStatistics.None;
                cells.Add(new HeatmapCellView(
                    local.Hour,
                    start,
                    (int)local.Offset.TotalMinutes,
                    statistics.Count == 0 ? null : ApiNumbers.Round(metric == HeatmapMetric.Loss ? statistics.LossPercent : statistics.P95Ms),
                    statistics.Count,
                    ApiNumbers.Round(Math.Min(100, 100.0 * statistics.Count / expected))));
            }

            var skipped = day.From < to ? Enumerable.Range(0, 24).Where(h => !seen[h] && !HourExists(date, h, zone)).ToList() : [];
            days.Add(new HeatmapDay(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), skipped, cells));
        }

        return days;
    }

    /// <summary>False for a local hour the clocks skip: none of its quarter hours is a valid local time.</summary>
    public static bool HourExists(DateOnly date, int hour, TimeZoneInfo zone)
    {
        var start = date.ToDateTime(new TimeOnly(hour, 0));
        for (var minute = 0; minute < 60; minute += 15)
        {
            if (!zone.IsInvalidTime(start.AddMinutes(minute)))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset FloorHour(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}

/// <summary>A local date's real hours in order; <paramref name="SkippedHours"/> are the local hours its clocks jumped over.</summary>
public sealed record HeatmapDay(string Date, IReadOnlyList<int> SkippedHours, IReadOnlyList<HeatmapCellView> Hours);

/// <summary>
/// One real hour: the local <paramref name="Hour"/> it begins in, its UTC <paramref name="Start"/> and offset, the
/// metric's value (null: no rounds, which is not 0 %), the rounds stored and their share of the rounds the interval asks for.
/// </summary>
public sealed record HeatmapCellView(int Hour, DateTimeOffset Start, int OffsetMinutes, double? Value, int Rounds, double CoveragePercent);
