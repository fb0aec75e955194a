namespace NetPulse.Testing.Network;

/// <summary>
/// One address's behaviour and counters inside an <see cref="IcmpResponder"/>. The responder thread
/// decides and counts; tests read the counters from other threads.
/// </summary>
internal sealed class EchoTarget(EchoBehavior behavior)
{
    private const long ShareScale = 10_000;

    // An integer share keeps the drop pattern exact: floating point would drop the 100th request at 0.29 a request late.
    private readonly long _lossPerScale = (long)Math.Round(behavior.LossShare * ShareScale);
    private long _requests;
    private long _replies;
    private long _dropped;

    public EchoBehavior Behavior { get; } = behavior;

    public EchoCounts Counts => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _replies), Interlocked.Read(ref _dropped));

    /// <summary>Counts a request and says whether to drop it: request n goes when ⌊n·share⌋ grows.</summary>
    public bool ShouldDrop()
    {
        var n = Interlocked.Increment(ref _requests);
        var drop = n * _lossPerScale / ShareScale > (n - 1) * _lossPerScale / ShareScale;
        if (drop)
        {
            Interlocked.Increment(ref _dropped);
        }

        return drop;
    }

    public void CountReply() => Interlocked.Increment(ref _replies);
}
