using NetPulse.Contracts;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Batching;

/// <summary>
/// A sample as a batch holds it: its target, its scheduled time in whole UTC milliseconds, its wire value, and the
/// clock epoch that stamped it (<see cref="PingSample.ClockEpoch"/>).
/// </summary>
internal readonly record struct PendingSample(int TargetIndex, long ScheduledMs, int Value, int ClockEpoch = 0)
{
    private static readonly long EarliestMs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long LatestMs = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Converts an engine sample; a sample no batch could carry gets a reason instead.</summary>
    /// <returns>Null on success, else why <paramref name="sample"/> cannot travel.</returns>
    public static string? TryCreate(in PingSample sample, out PendingSample pending)
    {
        pending = default;

        // Truncated, not rounded: the window start and every offset use the same whole milliseconds,
        // so rounds one interval apart stay at least that many milliseconds apart.
        var scheduledMs = sample.ScheduledAt.ToUnixTimeMilliseconds();
        if (scheduledMs < EarliestMs || scheduledMs >= LatestMs)
        {
            return "its scheduled time is outside 2000-2099";
        }

        int value;
        if (sample.Status == PingStatus.Ok)
        {
            if (sample.Rtt is not { } rtt)
            {
                return "it is a success without a round-trip time";
            }

            var microseconds = Math.Max(0, rtt.Ticks / TimeSpan.TicksPerMicrosecond);
            if (microseconds > SampleValue.MaxRttMicroseconds)
            {
                return $"its round-trip time is above the {SampleValue.MaxRttMicroseconds} µs a batch carries";
            }

            value = SampleValue.Success((int)microseconds);
        }
        else if (Enum.IsDefined(sample.Status))
        {
            value = SampleValue.Failure(sample.Status);
        }
        else
        {
            return "its status is not a known ping status";
        }

        pending = new PendingSample(sample.TargetIndex, scheduledMs, value, sample.ClockEpoch);
        return null;
    }
}
