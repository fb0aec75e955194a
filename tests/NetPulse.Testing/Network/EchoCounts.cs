namespace NetPulse.Testing.Network;

/// <summary>What an <see cref="IcmpResponder"/> did with the echo requests to one address since it was (re)configured.</summary>
public readonly record struct EchoCounts(long Requests, long Replies, long Dropped);
