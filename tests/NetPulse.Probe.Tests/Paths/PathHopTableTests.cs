using System.Net;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;

namespace NetPulse.Probe.Tests.Paths;

/// <summary>How probes and their answers add up to hops: counts, loss, times, several routers at one TTL, the path's end.</summary>
public sealed class PathHopTableTests
{
    private const ushort Identifier = 77;

    /// <summary>A clock of 1,000 ticks a millisecond, so tick arithmetic reads as microseconds.</summary>
    private const long Frequency = 1_000_000;

    private const long Timeout = 1_000_000;

    private static readonly IcmpAddress Destination = Address("10.200.243.2");

    [Fact]
    public void Answers_add_up_per_hop_with_loss_and_round_trips()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        ushort sequence = 0;
        var rtts = new Dictionary<int, double[]> { [1] = [1, 2, 3], [2] = [5, 0, 7], [3] = [10, 10, 10] };
        for (var cycle = 0; cycle < 3; cycle++)
        {
            for (var ttl = 1; ttl <= 3; ttl++)
            {
                var sent = (cycle * 100_000) + (ttl * 1_000);
                table.Sent(++sequence, ttl, cycle, sent);
                var rtt = rtts[ttl][cycle];
                if (rtt > 0)
                {
                    var kind = ttl == 3 ? IcmpMessageKind.EchoReply : IcmpMessageKind.TimeExceeded;
                    var from = ttl == 3 ? Destination : Address($"10.200.24{ttl - 1}.2");
                    Assert.True(table.TryAnswer(new PathReply(kind, Identifier, sequence, Destination, from), sent + (long)(rtt * 1000), Timeout));
                }
            }
        }

        var hops = table.Hops(maxHops: 30);

        Assert.True(table.ReachedDestination);
        Assert.Equal(3, hops.Count);
        Assert.Equal(new PathHop { Ttl = 1, Address = "10.200.240.2", Sent = 3, Received = 3, LossPercent = 0, LastMs = 3, BestMs = 1, AverageMs = 2, WorstMs = 3, StdDevMs = 1 }, hops[0]);
        Assert.Equal((2, 33.3, 5.0, 6.0, 7.0, 7.0), (hops[1].Received, hops[1].LossPercent, hops[1].BestMs, hops[1].AverageMs, hops[1].WorstMs, hops[1].LastMs));
        Assert.Equal(("10.200.243.2", 0.0, 0.0), (hops[2].Address, hops[2].LossPercent, hops[2].StdDevMs));
    }

    [Fact]
    public void Several_routers_at_one_ttl_are_all_listed_the_busiest_first()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        string[] answers = ["10.200.9.1", "10.200.9.2", "10.200.9.2", "10.200.9.3"];
        for (ushort i = 0; i < answers.Length; i++)
        {
            table.Sent((ushort)(i + 1), 1, i, 0);
            table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, (ushort)(i + 1), Destination, Address(answers[i])), 100, Timeout);
        }

        var hop = Assert.Single(table.Hops(maxHops: 30));

        Assert.Equal("10.200.9.2", hop.Address);
        Assert.Equal(["10.200.9.1", "10.200.9.3"], hop.OtherAddresses!);
        Assert.Equal(4, hop.Received);
    }

    [Fact]
    public void Foreign_duplicate_and_late_answers_are_not_counted()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        table.Sent(1, 1, 0, 0);
        var router = Address("10.200.240.2");

        Assert.False(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, 78, 1, Destination, router), 10, Timeout));
        Assert.False(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 2, Destination, router), 10, Timeout));
        Assert.False(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 1, Address("10.200.250.9"), router), 10, Timeout));
        Assert.False(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 1, Destination, router), Timeout + 1, Timeout));
        Assert.True(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 1, Destination, router), 10, Timeout));
        Assert.False(table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 1, Destination, router), 20, Timeout));

        Assert.Equal(1, table.Hops(maxHops: 30)[0].Received);
        Assert.Equal(0, table.Outstanding);
    }

    [Fact]
    public void Probes_past_the_destination_are_dropped_and_the_limit_shrinks_to_it()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        for (ushort ttl = 1; ttl <= 5; ttl++)
        {
            table.Sent(ttl, ttl, 0, 0);
        }

        Assert.Equal(30, table.Limit(30));
        table.TryAnswer(new PathReply(IcmpMessageKind.EchoReply, Identifier, 5, Destination, Destination), 10, Timeout);
        table.TryAnswer(new PathReply(IcmpMessageKind.EchoReply, Identifier, 4, Destination, Destination), 10, Timeout);

        Assert.Equal(4, table.Limit(30));
        var hops = table.Hops(maxHops: 30);
        Assert.Equal(4, hops.Count);
        Assert.Equal([null, null, null, "10.200.243.2"], hops.Select(h => h.Address));
    }

    [Fact]
    public void An_unreached_destination_keeps_one_silent_hop_after_the_last_answer()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        for (ushort ttl = 1; ttl <= 10; ttl++)
        {
            table.Sent(ttl, ttl, 0, 0);
        }

        table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 1, Destination, Address("10.200.240.2")), 10, Timeout);
        table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 2, Destination, Address("10.200.241.2")), 10, Timeout);
        Assert.Equal(0, table.ExpireOlderThan(Timeout + 1, Timeout));

        var hops = table.Hops(maxHops: 30);

        Assert.False(table.ReachedDestination);
        Assert.Equal(3, hops.Count);
        Assert.Equal((1, 0, 100.0), (hops[2].Sent, hops[2].Received, hops[2].LossPercent));
        var snapshot = new PathSnapshot { Target = "t", Destination = "10.200.243.2", StartedAt = DateTimeOffset.UnixEpoch, Cycles = 1, ReachedDestination = false, Hops = hops };
        Assert.Empty(snapshot.Problems());
        Assert.Equal(3, PathAnalysis.FirstPersistentLossHop(snapshot)?.Ttl);
    }

    [Fact]
    public void Without_a_known_end_later_cycles_probe_only_a_few_ttls_past_the_last_answer()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        for (ushort ttl = 1; ttl <= 30; ttl++)
        {
            table.Sent(ttl, ttl, 0, 0);
        }

        Assert.Equal(PathHopTable.SilentHopsProbed, table.Limit(30, firstCycle: false));
        table.TryAnswer(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 3, Destination, Address("10.200.242.2")), 10, Timeout);

        Assert.Equal(30, table.Limit(30, firstCycle: true));
        Assert.Equal(3 + PathHopTable.SilentHopsProbed, table.Limit(30, firstCycle: false));
        Assert.Equal(4, table.Hops(maxHops: 30).Count);
    }

    [Fact]
    public void An_unreachable_answer_ends_the_path_at_its_hop()
    {
        var table = new PathHopTable(Destination, Identifier, Frequency);
        table.Sent(1, 1, 0, 0);
        table.Sent(2, 2, 0, 0);
        table.TryAnswer(new PathReply(IcmpMessageKind.Unreachable, Identifier, 2, Destination, Address("10.200.241.2")), 10, Timeout);

        Assert.Equal(2, table.Limit(30));
        Assert.False(table.ReachedDestination);
        Assert.Equal("10.200.241.2", table.Hops(maxHops: 30)[^1].Address);
    }

    private static IcmpAddress Address(string text) => IcmpAddress.From(IPAddress.Parse(text));
}
