using System.Net;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class PendingRoundsTests
{
    private const ushort Identifier = 0x1234;
    private static readonly IcmpAddress First = IcmpAddress.From(IPAddress.Parse("127.0.0.1"));
    private static readonly IcmpAddress Second = IcmpAddress.From(IPAddress.Parse("127.0.0.2"));

    private readonly PendingRounds _pending = new(slotCount: 4, Identifier);

    [Fact]
    public void A_reply_closes_the_round_it_answers()
    {
        Begin(slot: 0, round: 5, sequence: 6, First);

        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(Reply(First, 6), out var round));

        Assert.Equal((0, 5L, (ushort)6), (round.Slot, round.Round, round.Sequence));
        Assert.Equal(0, _pending.Count);
    }

    [Fact]
    public void A_late_reply_after_its_round_timed_out_is_not_counted()
    {
        Begin(slot: 0, round: 1, sequence: 1, First);
        Assert.True(_pending.TryExpire(0, 1, out _));

        // The next round is in flight when round 1's reply finally comes: it must not close round 2.
        Begin(slot: 0, round: 2, sequence: 2, First);

        Assert.Equal(ReplyMatch.Unexpected, _pending.TryComplete(Reply(First, 1), out _));
        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(Reply(First, 2), out var round));
        Assert.Equal(2, round.Round);
    }

    [Fact]
    public void A_duplicated_reply_is_counted_once()
    {
        Begin(slot: 1, round: 0, sequence: 9, First);

        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(Reply(First, 9), out _));
        Assert.Equal(ReplyMatch.Unexpected, _pending.TryComplete(Reply(First, 9), out _));
    }

    [Fact]
    public void Another_processes_reply_is_foreign_even_with_a_matching_sequence()
    {
        Begin(slot: 0, round: 0, sequence: 3, First);

        var foreign = new IcmpMessage(IcmpMessageKind.EchoReply, Identifier + 1, 3, First);

        Assert.Equal(ReplyMatch.Foreign, _pending.TryComplete(foreign, out _));
        Assert.Equal(1, _pending.Count);
    }

    [Fact]
    public void A_reply_from_the_wrong_source_is_ignored()
    {
        Begin(slot: 0, round: 0, sequence: 3, First);

        Assert.Equal(ReplyMatch.Unexpected, _pending.TryComplete(Reply(Second, 3), out _));
        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(Reply(First, 3), out _));
    }

    [Theory]
    [InlineData((int)IcmpMessageKind.Unreachable)]
    [InlineData((int)IcmpMessageKind.TimeExceeded)]
    public void An_error_quoting_our_request_closes_the_round(int expectedKind)
    {
        var kind = (IcmpMessageKind)expectedKind;
        Begin(slot: 2, round: 7, sequence: 70, Second);

        // The quoted destination, not the router that sent the error, identifies the round.
        var error = new IcmpMessage(kind, Identifier, 70, Second);

        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(error, out var round));
        Assert.Equal(2, round.Slot);
    }

    [Fact]
    public void Expiry_of_an_answered_round_or_of_an_older_round_does_nothing()
    {
        Begin(slot: 0, round: 1, sequence: 1, First);
        _pending.TryComplete(Reply(First, 1), out _);
        Begin(slot: 0, round: 2, sequence: 2, First);

        Assert.False(_pending.TryExpire(0, 1, out _));
        Assert.True(_pending.TryExpire(0, 2, out var expired));
        Assert.Equal(2, expired.Round);
    }

    [Fact]
    public void Targets_sharing_an_address_never_share_a_sequence_in_flight()
    {
        var firstSequence = _pending.FreeSequence(First, 10);
        Begin(slot: 0, round: 0, firstSequence, First);
        var secondSequence = _pending.FreeSequence(First, 10);
        Begin(slot: 1, round: 0, secondSequence, First);

        Assert.NotEqual(firstSequence, secondSequence);
        Assert.Equal(10, _pending.FreeSequence(Second, 10));
        Assert.Equal(ReplyMatch.Matched, _pending.TryComplete(Reply(First, secondSequence), out var round));
        Assert.Equal(1, round.Slot);
    }

    [Fact]
    public void A_slot_has_one_round_in_flight_at_most()
    {
        Begin(slot: 3, round: 0, sequence: 1, First);

        Assert.Throws<InvalidOperationException>(() => Begin(slot: 3, round: 1, sequence: 2, First));
        Assert.True(_pending.TryTake(3, out var taken));
        Assert.Equal(0, taken.Round);
        Assert.False(_pending.TryTake(3, out _));
    }

    private static IcmpMessage Reply(IcmpAddress source, ushort sequence) =>
        new(IcmpMessageKind.EchoReply, Identifier, sequence, source);

    private void Begin(int slot, long round, ushort sequence, IcmpAddress peer) =>
        _pending.Begin(new PendingRound(slot, round, sequence, peer, DueTimestamp: round * 1000, SentTimestamp: (round * 1000) + 1));
}
