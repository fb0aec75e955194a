namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The day against the days before it: the previous day as it was reported, and the average of the (up to)
/// seven days before that have a report for the target. The direction compares with that average:
/// worse when uptime fell by 0.1 points or more, the median rose by 20 % and at least 1 ms, or loss rose by
/// 0.5 points or more; better when one of them moved as far the other way and none got worse; else steady.
/// </summary>
internal static class ReportTrends
{
    public const int WeekDays = 7;

    private const double UptimePoints = 0.1;
    private const double MedianRatio = 1.2;
    private const double MedianMinMs = 1;
    private const double LossPoints = 0.5;

    /// <summary>Figures are stored as computed: 99.95 - 99.85 must count as the 0.1 points it is.</summary>
    private const double Tolerance = 1e-9;

    public static TrendFigures FiguresOf(TargetDayReport target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TrendFigures
        {
            UptimePercent = target.UptimePercent,
            P50Ms = target.Statistics.P50Ms,
            P95Ms = target.Statistics.P95Ms,
            LossPercent = target.Statistics.LossPercent,
        };
    }

    /// <param name="today">The day's figures; a day without rounds has no direction.</param>
    /// <param name="previousDay">The day before, if reported.</param>
    /// <param name="week">The reported days among the seven before, in any order.</param>
    public static ReportTrend Compare(TrendFigures today, TrendFigures? previousDay, IReadOnlyCollection<TrendFigures> week)
    {
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(week);
        if (week.Count == 0)
        {
            return new ReportTrend { PreviousDay = previousDay, Direction = TrendDirection.Unknown };
        }

        var average = new TrendFigures
        {
            UptimePercent = Mean(week.Select(w => w.UptimePercent)),
            P50Ms = Mean(week.Select(w => w.P50Ms)),
            P95Ms = Mean(week.Select(w => w.P95Ms)),
            LossPercent = Mean(week.Select(w => w.LossPercent)),
        };
        return new ReportTrend { PreviousDay = previousDay, WeekAverage = average, WeekDays = week.Count, Direction = Direction(today, average) };
    }

    public static TrendDirection Direction(TrendFigures today, TrendFigures average)
    {
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(average);
        if (today.UptimePercent is null)
        {
            return TrendDirection.Unknown;
        }

        var worse = Worse(today, average);
        if (worse.Count > 0)
        {
            return TrendDirection.Worse;
        }

        var better = AtLeast(today.UptimePercent - average.UptimePercent, UptimePoints)
                     || (today.P50Ms is { } p50 && average.P50Ms is { } a50 && AtLeast(a50 - p50 * MedianRatio, 0) && AtLeast(a50 - p50, MedianMinMs))
                     || AtLeast(average.LossPercent - today.LossPercent, LossPoints);
        return better ? TrendDirection.Better : TrendDirection.Steady;
    }

    /// <summary>Which figures got worse against the average, by the rule above: "uptime", "median", "loss".</summary>
    public static IReadOnlyList<string> Worse(TrendFigures today, TrendFigures average)
    {
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(average);
        var worse = new List<string>();
        if (AtLeast(average.UptimePercent - today.UptimePercent, UptimePoints))
        {
            worse.Add("uptime");
        }

        if (today.P50Ms is { } p50 && average.P50Ms is { } a50 && AtLeast(p50 - a50 * MedianRatio, 0) && AtLeast(p50 - a50, MedianMinMs))
        {
            worse.Add("median");
        }

        if (AtLeast(today.LossPercent - average.LossPercent, LossPoints))
        {
            worse.Add("loss");
        }

        return worse;
    }

    private static bool AtLeast(double? difference, double limit) => difference >= limit - Tolerance;

    private static double? Mean(IEnumerable<double?> values)
    {
        double sum = 0;
        var count = 0;
        foreach (var value in values)
        {
            if (value is { } v)
            {
                sum += v;
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }
}
