namespace NetPulse.Contracts;

/// <summary>
/// One ping round of one target, as it travels: the round's scheduled time as an offset from the
/// batch's <see cref="PingBatch.WindowStart"/>, and its <see cref="SampleValue"/>. On the wire it is
/// the pair <c>[offsetMs, value]</c>.
/// </summary>
public readonly record struct WireSample(int OffsetMs, int Value)
{
    /// <summary>The longest RTT a reply may report (see <see cref="SampleValue.MaxRttMicroseconds"/>).</summary>
    public const int MaxRttMicroseconds = SampleValue.MaxRttMicroseconds;

    public static WireSample Success(int offsetMs, int rttMicroseconds) => new(offsetMs, SampleValue.Success(rttMicroseconds));

    public static WireSample Failure(int offsetMs, PingStatus status) => new(offsetMs, SampleValue.Failure(status));

    public PingStatus Status => SampleValue.Status(Value);

    public bool IsSuccess => SampleValue.IsSuccess(Value);

    /// <summary>The RTT in microseconds, or null for a failed round.</summary>
    public int? RttMicroseconds => SampleValue.RttMicroseconds(Value);
}
