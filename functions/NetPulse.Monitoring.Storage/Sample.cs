using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// One ping round of one target as stored: its time (UTC, whole seconds: a round's slot) and either the
/// its <see cref="SampleValue"/>, as on the wire.
/// </summary>
public readonly record struct Sample(DateTimeOffset Time, int Value)
{
    public PingStatus Status => SampleValue.Status(Value);

    public bool IsSuccess => SampleValue.IsSuccess(Value);

    /// <summary>The RTT in microseconds, or null for a failed round.</summary>
    public int? RttMicroseconds => SampleValue.RttMicroseconds(Value);

    /// <summary>The RTT in milliseconds, or null for a failed round.</summary>
    public double? RttMilliseconds => SampleValue.RttMilliseconds(Value);

    /// <summary>A sample time cut to its whole second: the slot every reader and writer keys a round by.</summary>
    public static DateTimeOffset SlotTime(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
