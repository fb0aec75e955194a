using NetPulse.Contracts;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Paths;

/// <summary>
/// The probes of one path snapshot and their answers, and the per-hop figures they add up to. Pure bookkeeping:
/// the prober feeds it sends and matched replies with <see cref="System.Diagnostics.Stopwatch"/> times, tests feed it by hand.
/// </summary>
internal sealed class PathHopTable
{
    private readonly Dictionary<ushort, Probe> _probes = [];
    private readonly IcmpAddress _destination;
    private readonly double _ticksPerMillisecond;

    public PathHopTable(IcmpAddress destination, ushort identifier, long timestampFrequency)
    {
        _destination = destination;
        Identifier = identifier;
        _ticksPerMillisecond = timestampFrequency / 1000.0;
    }

    public ushort Identifier { get; }

    /// <summary>The lowest TTL at which the destination answered with an echo reply; null until it does.</summary>
    public int? DestinationTtl { get; private set; }

    /// <summary>The lowest TTL at which a destination-unreachable came back: nothing beyond it is worth probing.</summary>
    public int? UnreachableTtl { get; private set; }

    /// <summary>
    /// After the first cycle, a path whose end is unknown is probed this many TTLs past the highest that answered, not to
    /// the maximum: a dead target (the case a snapshot is taken for) then costs a few probes a cycle, not thirty.
    /// </summary>
    public const int SilentHopsProbed = 5;

    /// <summary>The highest TTL that anything answered at; 0 before any answer.</summary>
    public int HighestAnsweredTtl { get; private set; }

    /// <summary>The TTL beyond which no probe is worth sending (in the first cycle, only what is known to end the path counts).</summary>
    public int Limit(int maxHops, bool firstCycle = true)
    {
        var limit = Math.Min(maxHops, Math.Min(DestinationTtl ?? int.MaxValue, UnreachableTtl ?? int.MaxValue));
        return firstCycle || DestinationTtl is not null || UnreachableTtl is not null
            ? limit
            : Math.Min(limit, HighestAnsweredTtl + SilentHopsProbed);
    }

    public int Outstanding { get; private set; }

    public void Sent(ushort sequence, int ttl, int cycle, long timestamp)
    {
        _probes[sequence] = new Probe(ttl, cycle, timestamp);
        Outstanding++;
    }

    /// <summary>
    /// Takes a reply if it answers one of our probes (same identifier, a sequence we sent, about our destination) that
    /// is still open and not older than <paramref name="timeoutTicks"/>; anything else is another program's or a
    /// duplicate and is ignored. True when it was taken.
    /// </summary>
    public bool TryAnswer(in PathReply reply, long received, long timeoutTicks)
    {
        if (reply.Identifier != Identifier || reply.Destination != _destination
            || !_probes.TryGetValue(reply.Sequence, out var probe) || probe.Answered)
        {
            return false;
        }

        var elapsed = received - probe.SentTimestamp;
        if (elapsed > timeoutTicks)
        {
            return false;
        }

        probe.Answered = true;
        HighestAnsweredTtl = Math.Max(HighestAnsweredTtl, probe.Ttl);
        probe.Responder = reply.Responder;
        probe.RttMs = Math.Max(0, elapsed) / _ticksPerMillisecond;
        if (!probe.Expired)
        {
            // An answer the kernel stamped in time but that was read after the probe was given up still counts.
            Outstanding--;
        }

        if (reply.Kind == IcmpMessageKind.EchoReply && reply.Responder == _destination)
        {
            DestinationTtl = Math.Min(DestinationTtl ?? int.MaxValue, probe.Ttl);
        }
        else if (reply.Kind == IcmpMessageKind.Unreachable)
        {
            UnreachableTtl = Math.Min(UnreachableTtl ?? int.MaxValue, probe.Ttl);
        }

        return true;
    }

    /// <summary>Probes still open whose time ran out are closed as lost; answers the number still open.</summary>
    public int ExpireOlderThan(long now, long timeoutTicks)
    {
        foreach (var probe in _probes.Values)
        {
            if (!probe.Answered && !probe.Expired && now - probe.SentTimestamp > timeoutTicks)
            {
                probe.Expired = true;
                Outstanding--;
            }
        }

        return Outstanding;
    }

    /// <summary>
    /// The hops as mtr shows them: TTL 1 to the destination (or to the unreachable answer); without either, up to one
    /// silent hop past the last one that answered, so the snapshot shows where the path dies. Probes sent past the end
    /// (before the first cycle learnt where it is) are not counted.
    /// </summary>
    public IReadOnlyList<PathHop> Hops(int maxHops)
    {
        var lastAnswered = _probes.Values.Where(p => p.Answered).Select(p => p.Ttl).DefaultIfEmpty(0).Max();
        var highestSent = _probes.Values.Select(p => p.Ttl).DefaultIfEmpty(0).Max();
        var last = DestinationTtl ?? UnreachableTtl ?? Math.Min(lastAnswered + 1, highestSent);
        last = Math.Min(last, Math.Min(maxHops, PathSnapshot.MaxHops));
        var hops = new List<PathHop>(last);
        var byTtl = _probes.Values.ToLookup(p => p.Ttl);
        for (var ttl = 1; ttl <= last; ttl++)
        {
            hops.Add(Hop(ttl, byTtl[ttl].OrderBy(p => p.Cycle).ToList()));
        }

        return hops;
    }

    public bool ReachedDestination => DestinationTtl is not null && (UnreachableTtl is null || DestinationTtl <= UnreachableTtl);

    private static PathHop Hop(int ttl, List<Probe> probes)
    {
        var answered = probes.Where(p => p.Answered).ToList();
        var sent = probes.Count;
        if (answered.Count == 0)
        {
            return new PathHop { Ttl = ttl, Sent = sent, Received = 0, LossPercent = PathHop.Loss(sent, 0) };
        }

        var responders = answered.GroupBy(p => p.Responder).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Value).Select(g => g.Key.ToString()).ToList();
        var rtts = answered.Select(p => p.RttMs).ToList();
        var average = rtts.Average();
        var deviation = rtts.Count > 1 ? Math.Sqrt(rtts.Sum(r => (r - average) * (r - average)) / (rtts.Count - 1)) : 0;
        return new PathHop
        {
            Ttl = ttl,
            Address = responders[0],
            OtherAddresses = responders.Count > 1 ? responders.Skip(1).Take(PathSnapshot.MaxOtherAddresses).ToList() : null,
            Sent = sent,
            Received = answered.Count,
            LossPercent = PathHop.Loss(sent, answered.Count),
            LastMs = Round(answered[^1].RttMs),
            BestMs = Round(rtts.Min()),
            AverageMs = Round(average),
            WorstMs = Round(rtts.Max()),
            StdDevMs = Round(deviation),
        };
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 3);

    private sealed class Probe(int ttl, int cycle, long sentTimestamp)
    {
        public int Ttl { get; } = ttl;

        public int Cycle { get; } = cycle;

        public long SentTimestamp { get; } = sentTimestamp;

        public bool Answered { get; set; }

        public bool Expired { get; set; }

        public IcmpAddress Responder { get; set; }

        public double RttMs { get; set; }
    }
}
