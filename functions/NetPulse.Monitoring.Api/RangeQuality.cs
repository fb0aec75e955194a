using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// Loss, RTT, jitter and MOS over a range of whole UTC hours from the hours' stored statistics, so a month is 744 small
/// rows rather than 2.7 million rounds. Loss, the average and coverage are exact. Jitter is the mean absolute difference
/// of consecutive replies within each hour, pooled over the hours by their pairs (an hour of n replies has n − 1): the
/// one pair across each hour boundary is left out, one in 3,600 at 1 Hz. MOS is <see cref="MeanOpinionScore"/> of
/// those. The 95th percentile of a range of more than one hour is an estimate: each hour's replies are taken as spread
/// linearly between its stored minimum, p50, p95, p99 and maximum, the hours are pooled by their replies, and the
/// 95 % point of the pool is the figure (an hour's own p95 is exact, and so is a range whose hours are alike).
/// </summary>
internal static class RangeQuality
{
    /// <summary>The summary of hour (or shorter) rollups; <paramref name="expectedRounds"/> is the range's length over the target's interval.</summary>
    public static QualityFigures Of(IReadOnlyList<SampleStatistics> hours, double expectedRounds)
    {
        ArgumentNullException.ThrowIfNull(hours);
        long rounds = 0, replies = 0, pairs = 0;
        double rttSum = 0, jitterSum = 0;
        foreach (var hour in hours)
        {
            rounds += hour.Count;
            replies += hour.Successes;
            if (hour.AvgMs is { } avg)
            {
                rttSum += avg * hour.Successes;
            }

            if (hour.JitterMs is { } jitter && hour.Successes > 1)
            {
                jitterSum += jitter * (hour.Successes - 1);
                pairs += hour.Successes - 1;
            }
        }

        double? loss = rounds == 0 ? null : 100.0 * (rounds - replies) / rounds;
        double? average = replies == 0 ? null : rttSum / replies;
        double? pooledJitter = pairs == 0 ? null : jitterSum / pairs;
        return new QualityFigures(
            rounds,
            replies,
            ApiNumbers.Round(loss),
            ApiNumbers.Round(average),
            ApiNumbers.Round(Percentile(hours, 95)),
            ApiNumbers.Round(pooledJitter),
            ApiNumbers.Round(loss is { } l ? MeanOpinionScore.Estimate(average, pooledJitter, l) : null),
            expectedRounds <= 0 ? 0 : ApiNumbers.Round(Math.Min(100, 100.0 * rounds / expectedRounds)));
    }

    /// <summary>
    /// The <paramref name="percent"/> point of the hours' pooled replies, each hour's replies spread linearly between its
    /// stored quantiles; the hour's own figure when only one hour has replies. Null without replies.
    /// </summary>
    public static double? Percentile(IReadOnlyList<SampleStatistics> hours, double percent)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var replied = hours.Where(h => h.Successes > 0 && h.MinMs is not null && h.P50Ms is not null && h.P95Ms is not null && h.P99Ms is not null && h.MaxMs is not null).ToList();
        if (replied.Count == 0)
        {
            return null;
        }

        if (replied.Count == 1 && percent == 95)
        {
            return replied[0].P95Ms;
        }

        var knots = replied.Select(h => (Weight: (double)h.Successes, Points: new[]
        {
            (X: h.MinMs!.Value, P: 0.0), (X: h.P50Ms!.Value, P: 0.5), (X: h.P95Ms!.Value, P: 0.95), (X: h.P99Ms!.Value, P: 0.99), (X: h.MaxMs!.Value, P: 1.0),
        })).ToList();
        var total = knots.Sum(k => k.Weight);
        var target = percent / 100.0;
        double low = replied.Min(h => h.MinMs!.Value), high = replied.Max(h => h.MaxMs!.Value);

        // The pooled share at or below x rises with x: halve the interval until it is below a microsecond.
        for (var i = 0; i < 64 && high - low > 1e-4; i++)
        {
            var middle = (low + high) / 2;
            var share = knots.Sum(k => k.Weight * Share(k.Points, middle)) / total;
            if (share >= target)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }

    /// <summary>The share of one hour's replies at or below <paramref name="x"/>, linear between its quantiles.</summary>
    private static double Share((double X, double P)[] points, double x)
    {
        if (x < points[0].X)
        {
            return 0;
        }

        for (var i = 1; i < points.Length; i++)
        {
            if (x < points[i].X)
            {
                var (x0, p0) = points[i - 1];
                var (x1, p1) = points[i];
                return p0 + ((p1 - p0) * (x - x0) / (x1 - x0));
            }
        }

        return 1;
    }
}
