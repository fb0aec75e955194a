using System.Globalization;

namespace NetPulse.Contracts;

/// <summary>Where a path snapshot says loss begins: the hop, and the reading in plain words.</summary>
/// <param name="Ttl">The TTL of the first hop from which loss persists.</param>
/// <param name="Address">That hop's address; null when nothing answered there (the path dies at it).</param>
/// <param name="LossPercent">Loss at that hop.</param>
/// <param name="Explanation">One or two sentences for a person reading an incident.</param>
public sealed record PathLossFinding(int Ttl, string? Address, double LossPercent, string Explanation);

/// <summary>Pure readings of a <see cref="PathSnapshot"/> for the backend (incidents, reports).</summary>
public static class PathAnalysis
{
    /// <summary>
    /// The first hop from which loss persists all the way to the destination, or null when there is no such hop.
    /// </summary>
    /// <remarks>
    /// Routers answer TTL-expired probes from their slow path and rate-limit those answers; loss at a middle hop
    /// with clean hops after it is that rate limit, not a fault, because the packets that hop "lost" went on and were
    /// answered further along. Only loss that every answering hop from some point to the destination shows is real.
    /// A hop that never answers (a router that sends no time-exceeded) says nothing either way and is passed over.
    /// When the destination never answered, the path breaks after the last hop that did: that is the finding.
    /// </remarks>
    public static PathLossFinding? FirstPersistentLossHop(PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var hops = snapshot.Hops;
        if (hops.Count == 0)
        {
            return null;
        }

        var lastAnswering = -1;
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (hops[i].Received > 0)
            {
                lastAnswering = i;
                break;
            }
        }

        if (!snapshot.ReachedDestination)
        {
            // Nothing from the destination: the loss is total from the hop after the last one that answered.
            var ttl = lastAnswering + 2;
            var after = lastAnswering < 0
                ? "no hop answered at all"
                : string.Create(CultureInfo.InvariantCulture, $"hop {lastAnswering + 1} ({hops[lastAnswering].Address}) is the last that answered");
            return new PathLossFinding(
                ttl,
                null,
                100,
                $"The destination {snapshot.Destination} did not answer and {after}: the path breaks at hop {ttl.ToString(CultureInfo.InvariantCulture)} or the link just before it.");
        }

        var destination = hops[^1];
        if (destination.Received == destination.Sent)
        {
            return null;
        }

        // Walk back from the destination while the answering hops keep losing; silent hops are passed over.
        var first = hops.Count - 1;
        for (var i = hops.Count - 2; i >= 0; i--)
        {
            if (hops[i].Received == 0)
            {
                continue;
            }

            if (hops[i].Received == hops[i].Sent)
            {
                break;
            }

            first = i;
        }

        var hop = hops[first];
        var explanation = first == hops.Count - 1
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Only the destination {hop.Address} loses ({hop.LossPercent}%): every hop before it answers fully, so the fault is at the destination or its last link.")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"Loss starts at hop {hop.Ttl} ({hop.Address}, {hop.LossPercent}%) and persists to the destination ({destination.LossPercent}%): the fault is at that hop or the link just before it. Loss at an earlier hop alone would be ICMP rate limiting.");
        return new PathLossFinding(hop.Ttl, hop.Address, hop.LossPercent, explanation);
    }
}
