using NetPulse.Contracts;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Tests.Spool;

/// <summary>Small valid batches for spool and sender tests.</summary>
public static class TestBatches
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Batch <paramref name="sequence"/> of probe "probe-1": one target with <paramref name="samples"/> samples, window 10 s × sequence after <see cref="Start"/>.</summary>
    public static SpooledBatch Make(long sequence, int samples = 3) =>
        SpooledBatch.Encode(new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = "probe-1",
            Sequence = sequence,
            WindowStart = Start.AddSeconds(10 * sequence),
            Targets =
            [
                new TargetSamples
                {
                    Name = "gateway",
                    Host = "10.200.0.1",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, samples).Select(i => WireSample.Success(i * 1000, 1000 + i))],
                },
            ],
        });
}
