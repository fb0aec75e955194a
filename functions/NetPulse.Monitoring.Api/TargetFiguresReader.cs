using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>A target's figures over the last hour and day.</summary>
internal sealed record TargetFigures(double? Loss1hPercent, double? Uptime24hPercent, IReadOnlyList<SparkPoint> Sparkline)
{
    public static readonly TargetFigures None = new(null, null, []);
}

/// <summary>
/// Loss over the last hour, uptime over the last day and the last hour's per-minute medians of a probe's targets.
/// The day is the 1,440 minutes up to and including the current one, the hour its last 60. Minutes before the
/// probe's compaction point come from each target's rollup rows (one range scan per target, two across a month
/// boundary); the minutes after it from the probe's batches, read once for all its targets.
/// </summary>
/// <remarks>
/// The dashboard polls /api/targets every few seconds; figures are kept for <see cref="Freshness"/> per process,
/// so a poll costs the storage requests of the probes, not of every target. Per-minute medians need no more
/// freshness than that.
/// </remarks>
internal sealed class TargetFiguresReader : IDisposable
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private const int DayMinutes = 24 * 60;
    private const int HourMinutes = 60;
    private const int MaxParallelReads = 8;

    private static readonly string[] RollupColumns =
    [
        nameof(HourRollupEntity.Hour), nameof(HourRollupEntity.CoveredUntil), nameof(HourRollupEntity.Count),
        nameof(HourRollupEntity.Successes), nameof(HourRollupEntity.Minutes),
    ];

    private readonly SampleReader samples;
    private readonly BatchStore batches;
    private readonly TimeProvider time;

    /// <summary>At most <see cref="LimitsOptions.MaxCachedTargetFigures"/> targets, the least recently used dropped first.</summary>
    private readonly MemoryCache _cache;

    /// <summary>With the default bound of <see cref="LimitsOptions.MaxCachedTargetFigures"/>.</summary>
    public TargetFiguresReader(SampleReader samples, BatchStore batches, TimeProvider time)
        : this(samples, batches, time, Options.Create(new LimitsOptions()))
    {
    }

    public TargetFiguresReader(SampleReader samples, BatchStore batches, TimeProvider time, IOptions<LimitsOptions> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        this.samples = samples;
        this.batches = batches;
        this.time = time;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limits.Value.MaxCachedTargetFigures });
    }

    /// <summary>Targets whose figures this instance holds in memory now.</summary>
    public int CachedCount => _cache.Count;

    public void Dispose() => _cache.Dispose();

    /// <summary>Figures of the named targets of one probe, from the cache where fresh.</summary>
    public async Task<IReadOnlyDictionary<string, TargetFigures>> GetAsync(
        string probeId, DateTimeOffset? compactedThrough, IReadOnlyCollection<string> targetNames, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var figures = new ConcurrentDictionary<string, TargetFigures>(StringComparer.Ordinal);
        var stale = new List<string>();
        foreach (var name in targetNames)
        {
            if (_cache.TryGetValue((probeId, name), out (DateTimeOffset At, TargetFigures Figures) cached) && now - cached.At < Freshness && cached.At <= now)
            {
                figures[name] = cached.Figures;
            }
            else
            {
                stale.Add(name);
            }
        }

        if (stale.Count == 0)
        {
            return figures;
        }

        var window = new Window(Minute(now) - TimeSpan.FromMinutes(DayMinutes - 1), now);

        // Rounds from here on come from batches; before it, from rollups (whole minutes the compaction covers).
        var boundary = compactedThrough is { } compacted ? Max(Minute(compacted), window.First) : window.First;
        var recent = await RecentRoundsAsync(probeId, boundary, now, cancellationToken);
        await Parallel.ForEachAsync(
            stale,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (name, token) =>
            {
                var computed = await ComputeAsync(probeId, name, window, boundary, recent.GetValueOrDefault(name), token);
                _cache.Set((probeId, name), (now, computed), new MemoryCacheEntryOptions { Size = 1 });
                figures[name] = computed;
            });
        return figures;
    }

    private async Task<TargetFigures> ComputeAsync(
        string probeId, string targetName, Window window, DateTimeOffset boundary, SortedDictionary<DateTimeOffset, (long Sequence, int Value)>? recent, CancellationToken cancellationToken)
    {
        var minutes = new MinuteTally[DayMinutes];
        long wholeHourCount = 0, wholeHourSuccesses = 0;
        var lastHourFirst = window.First.AddMinutes(DayMinutes - HourMinutes);

        if (boundary > window.First)
        {
            var firstHour = TableKeys.HourOf(window.First);
            var lastHour = TableKeys.HourOf(boundary.AddTicks(-1));
            await foreach (var row in samples.HourRollupRowsAsync(probeId, targetName, firstHour, lastHour, RollupColumns, cancellationToken))
            {
                var hour = row.Hour.ToUniversalTime();
                var end = hour.AddHours(1);
                if (hour >= window.First && end <= boundary && end <= lastHourFirst && row.CoveredUntil >= end)
                {
                    // Wholly inside the day and before the last hour: the hour's totals will do.
                    wholeHourCount += row.Count;
                    wholeHourSuccesses += row.Successes;
                    continue;
                }

                var stored = MinuteRollups.Unpack(row.Minutes);
                for (var m = 0; m < stored.Length; m++)
                {
                    var start = hour.AddMinutes(m);
                    if (start >= window.First && start < boundary && start.AddMinutes(1) <= row.CoveredUntil && stored[m].Count > 0)
                    {
                        minutes[window.IndexOf(start)] = new MinuteTally(stored[m].Count, stored[m].Successes, stored[m].P50Ms);
                    }
                }
            }
        }

        if (recent is not null)
        {
            foreach (var minute in recent.GroupBy(r => Minute(r.Key)))
            {
                var index = window.IndexOf(minute.Key);
                if (index is >= 0 and < DayMinutes)
                {
                    var statistics = SampleStatistics.Of(minute.Select(r => r.Value.Value).ToArray());
                    minutes[index] = new MinuteTally(statistics.Count, statistics.Successes, statistics.P50Ms);
                }
            }
        }

        long dayCount = wholeHourCount, daySuccesses = wholeHourSuccesses, hourCount = 0, hourSuccesses = 0;
        var sparkline = new List<SparkPoint>(HourMinutes);
        for (var i = 0; i < DayMinutes; i++)
        {
            var tally = minutes[i];
            if (tally.Count == 0)
            {
                continue;
            }

            dayCount += tally.Count;
            daySuccesses += tally.Successes;
            if (i >= DayMinutes - HourMinutes)
            {
                hourCount += tally.Count;
                hourSuccesses += tally.Successes;
                sparkline.Add(new SparkPoint(window.First.AddMinutes(i), tally.P50Ms));
            }
        }

        return new TargetFigures(
            hourCount == 0 ? null : ApiNumbers.Percent(hourCount - hourSuccesses, hourCount),
            dayCount == 0 ? null : ApiNumbers.Percent(daySuccesses, dayCount),
            sparkline);
    }

    /// <summary>Each target's rounds at or after <paramref name="from"/> from the probe's batches; of two batches claiming a slot the higher sequence wins, as in every reader.</summary>
    private async Task<Dictionary<string, SortedDictionary<DateTimeOffset, (long Sequence, int Value)>>> RecentRoundsAsync(
        string probeId, DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rounds = new Dictionary<string, SortedDictionary<DateTimeOffset, (long Sequence, int Value)>>(StringComparer.Ordinal);

        // A probe clock a little ahead of ours files batches later than now.
        foreach (var batch in await batches.ReadAsync(probeId, from, now.AddHours(1), cancellationToken))
        {
            foreach (var target in batch.Targets)
            {
                if (!rounds.TryGetValue(target.Name, out var bySlot))
                {
                    bySlot = [];
                    rounds.Add(target.Name, bySlot);
                }

                foreach (var sample in target.Samples)
                {
                    if (sample.Time >= from && (!bySlot.TryGetValue(sample.Time, out var held) || held.Sequence < batch.Sequence))
                    {
                        bySlot[sample.Time] = (batch.Sequence, sample.Value);
                    }
                }
            }
        }

        return rounds;
    }

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private readonly record struct MinuteTally(int Count, int Successes, double? P50Ms);

    /// <summary>The day's minutes: <see cref="First"/> is the first minute's start.</summary>
    private readonly record struct Window(DateTimeOffset First, DateTimeOffset Now)
    {
        public int IndexOf(DateTimeOffset minute) => (int)((minute - First).Ticks / TimeSpan.TicksPerMinute);
    }
}
