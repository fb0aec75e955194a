namespace NetPulse.Probe.Icmp;

/// <summary>A round whose echo request is on the wire and whose answer has not come yet.</summary>
internal readonly record struct PendingRound(int Slot, long Round, ushort Sequence, IcmpAddress Peer, long DueTimestamp, long SentTimestamp);

/// <summary>How an arriving ICMP message related to this engine's requests.</summary>
internal enum ReplyMatch
{
    /// <summary>It answers a pending round; the round is now closed.</summary>
    Matched,

    /// <summary>Another process's ping (or another engine's): a different identifier.</summary>
    Foreign,

    /// <summary>Our identifier but no round waits for it: late (its round timed out), a duplicate, or from the wrong source.</summary>
    Unexpected,
}

/// <summary>
/// The table of rounds in flight, keyed by identifier, sequence and the address the request went to, so a
/// late, duplicated or foreign reply can never close the wrong round. At most one round per target is in
/// flight: a round still open when its target's next round falls due is closed as a timeout first.
/// Single-threaded: only the scheduling thread touches it.
/// </summary>
internal sealed class PendingRounds
{
    private readonly ushort _identifier;
    private readonly ushort _identifierV6;
    private readonly PendingRound?[] _bySlot;
    private readonly Dictionary<(IcmpAddress Peer, ushort Sequence), int> _byKey;

    /// <param name="identifierV6">The ICMPv6 requests' identifier when it differs from the IPv4 one: a datagram
    /// socket's identifier is its port, and the IPv4 and ICMPv6 sockets each have their own.</param>
    public PendingRounds(int slotCount, ushort identifier, ushort? identifierV6 = null)
    {
        _identifier = identifier;
        _identifierV6 = identifierV6 ?? identifier;
        _bySlot = new PendingRound?[slotCount];

        // Sized for every target in flight at once, so the steady state never grows (allocates) the table.
        _byKey = new Dictionary<(IcmpAddress, ushort), int>(slotCount);
    }

    public ushort Identifier => _identifier;

    /// <summary>The identifier requests of one family carry, and replies of that family must.</summary>
    public ushort IdentifierFor(bool ipv6) => ipv6 ? _identifierV6 : _identifier;

    public int Count => _byKey.Count;

    /// <summary>
    /// The sequence to put in the next request to <paramref name="peer"/>: <paramref name="preferred"/> unless
    /// another target with the same address has that sequence in flight (two targets may resolve to one host).
    /// </summary>
    public ushort FreeSequence(IcmpAddress peer, ushort preferred)
    {
        var sequence = preferred;
        while (_byKey.ContainsKey((peer, sequence)))
        {
            sequence++;
        }

        return sequence;
    }

    /// <summary>Records a request that left; the slot must have no round in flight.</summary>
    public void Begin(in PendingRound round)
    {
        if (_bySlot[round.Slot] is not null)
        {
            throw new InvalidOperationException($"Target slot {round.Slot} already has a round in flight.");
        }

        _byKey.Add((round.Peer, round.Sequence), round.Slot);
        _bySlot[round.Slot] = round;
    }

    /// <summary>Closes the round that <paramref name="message"/> answers, if one is waiting for exactly it.</summary>
    public ReplyMatch TryComplete(in IcmpMessage message, out PendingRound round)
    {
        round = default;
        if (message.Identifier != IdentifierFor(!message.Peer.IsIPv4))
        {
            return ReplyMatch.Foreign;
        }

        if (!_byKey.Remove((message.Peer, message.Sequence), out var slot))
        {
            return ReplyMatch.Unexpected;
        }

        round = _bySlot[slot]!.Value;
        _bySlot[slot] = null;
        return ReplyMatch.Matched;
    }

    /// <summary>Closes the slot's round if it is still <paramref name="roundNumber"/> (its deadline passed).</summary>
    public bool TryExpire(int slot, long roundNumber, out PendingRound round)
    {
        if (_bySlot[slot] is { } pending && pending.Round == roundNumber)
        {
            return TryTake(slot, out round);
        }

        round = default;
        return false;
    }

    /// <summary>Closes whatever round the slot has in flight.</summary>
    public bool TryTake(int slot, out PendingRound round)
    {
        if (_bySlot[slot] is not { } pending)
        {
            round = default;
            return false;
        }

        _byKey.Remove((pending.Peer, pending.Sequence));
        _bySlot[slot] = null;
        round = pending;
        return true;
    }
}
