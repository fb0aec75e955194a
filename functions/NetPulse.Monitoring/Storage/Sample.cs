using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// One ping round of one target as stored: its time (UTC, whole seconds: a round's slot) and either the
/// RTT in microseconds (zero or more) or a failure as the negated <see cref="PingStatus"/>, as on the wire.
/// </summary>
public readonly record struct Sample(DateTimeOffset Time, int Value)
{
    public PingStatus Status => Value >= 0 ? PingStatus.Ok : (PingStatus)(-Value);

    public bool IsSuccess => Value >= 0;

    /// <summary>The RTT in microseconds, or null for a failed round.</summary>
    public int? RttMicroseconds => Value >= 0 ? Value : null;

    /// <summary>The RTT in milliseconds, or null for a failed round.</summary>
    public double? RttMilliseconds => Value >= 0 ? Value / 1000.0 : null;

    /// <summary>A sample time cut to its whole second: the slot every reader and writer keys a round by.</summary>
    public static DateTimeOffset SlotTime(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
