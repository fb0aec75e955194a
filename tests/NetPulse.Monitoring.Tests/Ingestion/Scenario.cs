using NetPulse.Contracts;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// Batches a probe would send: 10-second windows, every target at 1 Hz, each round's value from a script of
/// the target (RTT in µs, or a negated <see cref="PingStatus"/>).
/// </summary>
internal sealed class Scenario(string probeId, DateTimeOffset start)
{
    public const int Timeout = -(int)PingStatus.Timeout;

    private readonly List<(string Name, bool Uplink, Func<int, int> Value, int? LatencyThresholdMs)> _targets = [];

    public string ProbeId { get; } = probeId;

    public DateTimeOffset Start { get; } = start;

    public Scenario Target(string name, Func<int, int> valueAtSecond, bool uplink = false, int? latencyThresholdMs = null)
    {
        _targets.Add((name, uplink, valueAtSecond, latencyThresholdMs));
        return this;
    }

    /// <summary>A healthy target: 8-12 ms, varying by the second.</summary>
    public static int Healthy(int second) => 8_000 + (second * 7919 % 4_000);

    public List<PingBatch> Batches(int count, long firstSequence = 0) =>
        [.. Enumerable.Range(0, count).Select(i => Batch(firstSequence + i, Start.AddSeconds(10 * i), 10 * i))];

    private PingBatch Batch(long sequence, DateTimeOffset windowStart, int firstSecond) => new()
    {
        Version = PingBatch.CurrentVersion,
        ProbeId = ProbeId,
        Sequence = sequence,
        WindowStart = windowStart,
        Targets = [.. _targets.Select(t => new TargetSamples
        {
            Name = t.Name,
            Host = "10.200.0." + (1 + (t.Name.Length % 250)),
            Category = t.Uplink ? "uplink" : "servers",
            Description = "target " + t.Name,
            Uplink = t.Uplink,
            IntervalMs = 1000,
            LatencyThresholdMs = t.LatencyThresholdMs,
            Samples = [.. Enumerable.Range(0, 10).Select(s => new WireSample(s * 1000, t.Value(firstSecond + s)))],
        })],
    };
}
