using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Benchmarks;

/// <summary>
/// Reads a few targets' newest samples through the library's <see cref="SampleReader"/> every 250 ms and keeps,
/// for each sample, the first time it was readable: its freshness is that minus its scheduled time.
/// </summary>
/// <remarks>
/// A batch is one entity, so every target of a batch becomes readable at the same moment: watching a few shows
/// that and keeps the reader's own load on storage small. Stored samples carry their schedule slot (the whole
/// second), so a figure can be up to 1 s above the ping's exact time.
/// </remarks>
internal sealed class SampleWatch
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    private readonly SampleReader _reader;
    private readonly string _probeId;
    private readonly TimeSpan _lookBack;
    private readonly Dictionary<(string Target, DateTimeOffset Time), DateTimeOffset> _firstReadable = [];
    private readonly List<double> _pollMilliseconds = [];

    /// <param name="lookBack">How far back each read reaches: longer than a batch can take to arrive.</param>
    public SampleWatch(string connectionString, string probeId, IReadOnlyList<string> targets, TimeSpan lookBack)
    {
        _reader = new SampleReader(new MonitoringTables(new TableServiceClient(connectionString), Options.Create(new StorageOptions())));
        _probeId = probeId;
        Targets = targets;
        _lookBack = lookBack;
    }

    public IReadOnlyList<string> Targets { get; }

    public int Polls => _pollMilliseconds.Count;

    /// <summary>Polls until <paramref name="until"/>.</summary>
    public async Task RunAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollEvery);
        while (DateTimeOffset.UtcNow < until && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var started = Stopwatch.GetTimestamp();
            var now = DateTimeOffset.UtcNow;
            var reads = Targets.Select(t => _reader.GetSamplesAsync(_probeId, t, now - _lookBack, now.AddSeconds(5), cancellationToken)).ToList();
            await Task.WhenAll(reads);

            // The moment the answer is back bounds "readable" from above; the poll period bounds the error.
            var seen = DateTimeOffset.UtcNow;
            for (var i = 0; i < Targets.Count; i++)
            {
                foreach (var sample in reads[i].Result)
                {
                    _firstReadable.TryAdd((Targets[i], sample.Time), seen);
                }
            }

            _pollMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Freshness in seconds, sorted, of the samples scheduled in [from, to) of <paramref name="targets"/> (all when null).</summary>
    public List<double> Ages(DateTimeOffset from, DateTimeOffset to, ISet<string>? targets = null) =>
        [.. _firstReadable
            .Where(p => p.Key.Time >= from && p.Key.Time < to && (targets is null || targets.Contains(p.Key.Target)))
            .Select(p => (p.Value - p.Key.Time).TotalSeconds)
            .Order()];

    /// <summary>Samples seen per target, scheduled in [from, to).</summary>
    public string PerTarget(DateTimeOffset from, DateTimeOffset to)
    {
        var counts = _firstReadable.Keys.Where(k => k.Time >= from && k.Time < to).GroupBy(k => k.Target).ToDictionary(g => g.Key, g => g.Count());
        return string.Join(" / ", Targets.Select(t => counts.GetValueOrDefault(t)));
    }

    public (double P50, double P99) PollMilliseconds()
    {
        var sorted = _pollMilliseconds.Order().ToList();
        return sorted.Count == 0 ? (0, 0) : (Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99));
    }
}
