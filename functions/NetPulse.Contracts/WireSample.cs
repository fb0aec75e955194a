namespace NetPulse.Contracts;

/// <summary>
/// One ping round of one target, as it travels: the round's scheduled time as an offset from the
/// batch's <see cref="PingBatch.WindowStart"/>, and either the RTT in microseconds (zero or more)
/// or a failure as the negated <see cref="PingStatus"/>. On the wire it is the pair <c>[offsetMs, value]</c>.
/// </summary>
public readonly record struct WireSample(int OffsetMs, int Value)
{
    /// <summary>The longest RTT a reply may report; anything longer is a timeout by any sane setting.</summary>
    public const int MaxRttMicroseconds = 60_000_000;

    public static WireSample Success(int offsetMs, int rttMicroseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rttMicroseconds);
        return new(offsetMs, rttMicroseconds);
    }

    public static WireSample Failure(int offsetMs, PingStatus status)
    {
        if (status == PingStatus.Ok)
        {
            throw new ArgumentException("A failure needs a failure status.", nameof(status));
        }

        return new(offsetMs, -(int)status);
    }

    public PingStatus Status => Value >= 0 ? PingStatus.Ok : (PingStatus)(-Value);

    public bool IsSuccess => Value >= 0;

    /// <summary>The RTT in microseconds, or null for a failed round.</summary>
    public int? RttMicroseconds => Value >= 0 ? Value : null;
}
