
namespace NetPulse.Monitoring.Storage;

/// <summary>
/// The one mapping between <see cref="SampleStatistics"/> and the flat columns of an <see cref="HourRollupEntity"/>
/// (Table storage holds no nested values). A new statistic stored per hour is a column there and a line in
/// each of the three members here.
/// </summary>
internal static class HourRollupStatistics
{
    /// <summary>The columns that hold the statistics, for reads that select columns.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        nameof(HourRollupEntity.Count), nameof(HourRollupEntity.Successes), nameof(HourRollupEntity.LossPercent),
        nameof(HourRollupEntity.MinMs), nameof(HourRollupEntity.AvgMs), nameof(HourRollupEntity.MaxMs),
        nameof(HourRollupEntity.P50Ms), nameof(HourRollupEntity.P95Ms), nameof(HourRollupEntity.P99Ms), nameof(HourRollupEntity.JitterMs),
    ];

    /// <summary>The hour's statistics as stored.</summary>
    public static SampleStatistics Statistics(this HourRollupEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new SampleStatistics
        {
            Count = entity.Count,
            Successes = entity.Successes,
            MinMs = entity.MinMs,
            AvgMs = entity.AvgMs,
            MaxMs = entity.MaxMs,
            P50Ms = entity.P50Ms,
            P95Ms = entity.P95Ms,
            P99Ms = entity.P99Ms,
            JitterMs = entity.JitterMs,
        };
    }

    /// <summary>Sets the entity's statistics columns; returns it, for use in an initializer chain.</summary>
    public static HourRollupEntity WithStatistics(this HourRollupEntity entity, SampleStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(statistics);
        entity.Count = statistics.Count;
        entity.Successes = statistics.Successes;
        entity.LossPercent = statistics.LossPercent ?? 0;
        entity.MinMs = statistics.MinMs;
        entity.AvgMs = statistics.AvgMs;
        entity.MaxMs = statistics.MaxMs;
        entity.P50Ms = statistics.P50Ms;
        entity.P95Ms = statistics.P95Ms;
        entity.P99Ms = statistics.P99Ms;
        entity.JitterMs = statistics.JitterMs;
        return entity;
    }
}
