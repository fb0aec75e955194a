namespace NetPulse.Contracts;

/// <summary>
/// The one rule for what a ping round's value means, wherever it travels or rests (wire, spool, batch,
/// hour slots, detection): zero or more is the RTT in microseconds; below zero is a failure, the negated
/// <see cref="PingStatus"/>. Every sample type reads and writes its value through here.
/// </summary>
public static class SampleValue
{
    /// <summary>The longest RTT a reply may report; anything longer is a timeout by any sane setting.</summary>
    public const int MaxRttMicroseconds = 60_000_000;

    public static int Success(int rttMicroseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rttMicroseconds);
        return rttMicroseconds;
    }

    public static int Failure(PingStatus status)
    {
        if (status == PingStatus.Ok)
        {
            throw new ArgumentException("A failure needs a failure status.", nameof(status));
        }

        return -(int)status;
    }

    public static bool IsSuccess(int value) => value >= 0;

    public static PingStatus Status(int value) => value >= 0 ? PingStatus.Ok : (PingStatus)(-value);

    /// <summary>The RTT in microseconds, or null for a failed round.</summary>
    public static int? RttMicroseconds(int value) => value >= 0 ? value : null;

    /// <summary>The RTT in milliseconds, or null for a failed round.</summary>
    public static double? RttMilliseconds(int value) => value >= 0 ? value / 1000.0 : null;

    /// <summary>Null when <paramref name="value"/> is a value a reader can store, else what is wrong with it.</summary>
    public static string? DescribeInvalid(int value) =>
        value > MaxRttMicroseconds ? $"RTT {value} µs is above {MaxRttMicroseconds}"
        : value < 0 && !Enum.IsDefined((PingStatus)(-(long)value)) ? $"value {value} is no known failure status"
        : null;
}
