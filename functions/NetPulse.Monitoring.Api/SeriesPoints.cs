using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// Folds rounds or rollups into chart points, one per step that has rounds. A point's time is the start of its
/// step, counted in whole steps from the Unix epoch (UTC), so the first point may start before the range does.
/// </summary>
internal static class SeriesPoints
{
    /// <summary>Exact statistics per step from rounds in time order.</summary>
    public static List<SeriesPoint> FromSamples(IReadOnlyList<Sample> samples, int stepSeconds)
    {
        var points = new List<SeriesPoint>();
        var values = new List<int>(stepSeconds);
        var bucket = long.MinValue;
        foreach (var sample in samples)
        {
            var start = StepStart(sample.Time, stepSeconds);
            if (start != bucket && values.Count > 0)
            {
                points.Add(Point(bucket, SampleStatistics.Of(values.ToArray())));
                values.Clear();
            }

            bucket = start;
            values.Add(sample.Value);
        }

        if (values.Count > 0)
        {
            points.Add(Point(bucket, SampleStatistics.Of(values.ToArray())));
        }

        return points;
    }

    /// <summary>
    /// Rollups in time order, one point per step. Where a step holds several rollups, counts add up, the minimum and
    /// maximum are exact, and the median is the median of the rollups' medians weighted by their replies (the rounds
    /// themselves are not read for long ranges).
    /// </summary>
    public static List<SeriesPoint> FromRollups(IReadOnlyList<Rollup> rollups, int stepSeconds)
    {
        var points = new List<SeriesPoint>();
        foreach (var step in rollups.Where(r => r.Statistics.Count > 0).OrderBy(r => r.Start).GroupBy(r => StepStart(r.Start, stepSeconds)))
        {
            var parts = step.ToList();
            points.Add(Point(step.Key, parts.Count == 1 ? parts[0].Statistics : Merge(parts)));
        }

        return points;
    }

    private static SampleStatistics Merge(List<Rollup> parts)
    {
        var replied = parts.Where(p => p.Statistics.Successes > 0 && p.Statistics.P50Ms is not null).ToList();
        var count = parts.Sum(p => p.Statistics.Count);
        var successes = parts.Sum(p => p.Statistics.Successes);
        if (replied.Count == 0)
        {
            return new SampleStatistics { Count = count, Successes = successes };
        }

        var medians = replied.Select(p => (Median: p.Statistics.P50Ms!.Value, Weight: p.Statistics.Successes)).OrderBy(m => m.Median).ToList();
        var half = medians.Sum(m => (long)m.Weight) / 2.0;
        long seen = 0;
        var median = medians[^1].Median;
        foreach (var (value, weight) in medians)
        {
            seen += weight;
            if (seen >= half)
            {
                median = value;
                break;
            }
        }

        return new SampleStatistics
        {
            Count = count,
            Successes = successes,
            MinMs = replied.Min(p => p.Statistics.MinMs),
            MaxMs = replied.Max(p => p.Statistics.MaxMs),
            P50Ms = median,
        };
    }

    private static long StepStart(DateTimeOffset time, int stepSeconds)
    {
        var seconds = time.ToUnixTimeSeconds();
        return seconds - (((seconds % stepSeconds) + stepSeconds) % stepSeconds);
    }

    private static SeriesPoint Point(long stepStart, SampleStatistics statistics) => new(
        DateTimeOffset.FromUnixTimeSeconds(stepStart),
        ApiNumbers.Round(statistics.MinMs),
        ApiNumbers.Round(statistics.P50Ms),
        ApiNumbers.Round(statistics.MaxMs),
        statistics.Count == 0 ? 0 : ApiNumbers.Percent(statistics.Failures, statistics.Count),
        statistics.Count);
}
