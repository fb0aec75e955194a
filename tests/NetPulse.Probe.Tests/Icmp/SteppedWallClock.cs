namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// A clock whose wall time can step while its monotonic time does not, as NTP steps a real machine's clock:
/// timestamps and timers come from <paramref name="inner"/>, <see cref="GetUtcNow"/> is the inner wall clock plus
/// every <see cref="Step"/> so far. Over <see cref="TimeProvider.System"/> it runs in real time; over a
/// <c>FakeTimeProvider</c> a test drives both.
/// </summary>
internal sealed class SteppedWallClock(TimeProvider inner) : TimeProvider
{
    private long _stepTicks;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow().AddTicks(Interlocked.Read(ref _stepTicks));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves the wall clock alone, forwards or backwards.</summary>
    public void Step(TimeSpan step) => Interlocked.Add(ref _stepTicks, step.Ticks);
}
