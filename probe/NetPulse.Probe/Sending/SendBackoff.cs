namespace NetPulse.Probe.Sending;

/// <summary>
/// How long the sender waits after consecutive failures: doubling from <see cref="Initial"/> up to
/// <see cref="Maximum"/>, each wait drawn between half and all of that ("equal jitter"), so that
/// probes that lost the same link do not all come back in the same second.
/// </summary>
public sealed record SendBackoff(TimeSpan Initial, TimeSpan Maximum)
{
    public static SendBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <param name="failures">Consecutive failures so far, at least 1.</param>
    /// <param name="jitter">A number in [0, 1): where in the second half of the step the wait falls.</param>
    public TimeSpan Delay(int failures, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failures);
        var step = Initial.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(step, Maximum.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1)))));
    }
}
