namespace NetPulse.Testing.Network;

/// <summary>
/// How an <see cref="IcmpResponder"/> answers the echo requests to one address: each reply leaves
/// <see cref="Delay"/> after its request arrived, and <see cref="LossShare"/> of the requests (0 to 1)
/// get no reply. Losses are spread evenly, not drawn at random: with 0.1 the 10th, 20th, 30th, …
/// request of the address is dropped, so N requests counted from the first lose exactly ⌊N·share⌋
/// (share rounded to 1/10,000).
/// </summary>
public sealed record EchoBehavior(TimeSpan Delay, double LossShare = 0)
{
    public TimeSpan Delay { get; } = Delay >= TimeSpan.Zero && Delay <= TimeSpan.FromMinutes(1)
        ? Delay
        : throw new ArgumentOutOfRangeException(nameof(Delay), Delay, "the delay must be between 0 and 1 minute");

    public double LossShare { get; } = LossShare is >= 0 and <= 1
        ? LossShare
        : throw new ArgumentOutOfRangeException(nameof(LossShare), LossShare, "the loss share must be between 0 and 1");

    /// <summary>Answers every request at once, as the kernel would.</summary>
    public static EchoBehavior Immediate { get; } = new(TimeSpan.Zero);

    /// <summary>Answers nothing: the target looks down while its link stays up.</summary>
    public static EchoBehavior Silent { get; } = new(TimeSpan.Zero, 1);

    public static EchoBehavior After(TimeSpan delay, double lossShare = 0) => new(delay, lossShare);
}
