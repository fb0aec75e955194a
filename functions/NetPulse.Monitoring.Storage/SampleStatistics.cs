using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// What a span of rounds amounts to. RTT figures are in milliseconds over successful rounds and null when
/// there were none. Percentiles are nearest-rank (the smallest RTT with at least p % of the replies at or
/// below it), so every figure is an RTT that was really measured. Jitter is the mean absolute difference of
/// consecutive successful RTTs in time order; null with fewer than two replies.
/// </summary>
/// <remarks>
/// The one record of these figures: an hour rollup stores it (<see cref="HourRollupStatistics"/> maps its columns),
/// a minute rollup packs it (<see cref="MinuteRollups"/>), a daily report and its hours hold it, a series point is
/// cut from it. A new statistic is a property and its computation here, and the places that show it.
/// </remarks>
public sealed record SampleStatistics
{
    public static readonly SampleStatistics None = new();

    /// <summary>Rounds stored.</summary>
    public int Count { get; init; }

    /// <summary>Rounds with a reply.</summary>
    public int Successes { get; init; }

    public int Failures => Count - Successes;

    /// <summary>Failed rounds in percent of all rounds; null with no rounds (like the RTT figures without replies).</summary>
    public double? LossPercent => Count == 0 ? null : 100.0 * Failures / Count;

    public double? MinMs { get; init; }

    public double? AvgMs { get; init; }

    public double? MaxMs { get; init; }

    public double? P50Ms { get; init; }

    public double? P95Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? JitterMs { get; init; }

    /// <summary>Statistics of rounds given in time order as <see cref="Sample.Value"/>s; <see cref="HourSlots.Empty"/> entries are skipped.</summary>
    public static SampleStatistics Of(ReadOnlySpan<int> valuesInTimeOrder)
    {
        var count = 0;
        var rtts = new List<int>(valuesInTimeOrder.Length);
        long jitterSum = 0;
        int? previous = null;
        foreach (var value in valuesInTimeOrder)
        {
            if (value == HourSlots.Empty)
            {
                continue;
            }

            count++;
            if (!SampleValue.IsSuccess(value))
            {
                continue;
            }

            if (previous is { } before)
            {
                jitterSum += Math.Abs((long)value - before);
            }

            previous = value;
            rtts.Add(value);
        }

        if (rtts.Count == 0)
        {
            return new SampleStatistics { Count = count };
        }

        rtts.Sort();
        long sum = 0;
        foreach (var rtt in rtts)
        {
            sum += rtt;
        }

        return new SampleStatistics
        {
            Count = count,
            Successes = rtts.Count,
            MinMs = rtts[0] / 1000.0,
            AvgMs = sum / 1000.0 / rtts.Count,
            MaxMs = rtts[^1] / 1000.0,
            P50Ms = NearestRank(rtts, 50) / 1000.0,
            P95Ms = NearestRank(rtts, 95) / 1000.0,
            P99Ms = NearestRank(rtts, 99) / 1000.0,
            JitterMs = rtts.Count < 2 ? null : jitterSum / 1000.0 / (rtts.Count - 1),
        };
    }

    public static SampleStatistics Of(IEnumerable<Sample> samplesInTimeOrder)
    {
        ArgumentNullException.ThrowIfNull(samplesInTimeOrder);
        return Of(samplesInTimeOrder.Select(s => s.Value).ToArray());
    }

    /// <summary>The nearest-rank percentile of values sorted ascending (at least one).</summary>
    public static int NearestRank(IReadOnlyList<int> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sorted));
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
