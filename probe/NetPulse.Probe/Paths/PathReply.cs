using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Paths;

/// <summary>
/// An ICMP message that may answer a path probe: the identifier and sequence of the echo request it is about (its own
/// for an echo reply, the quoted request's for an error), where that request went (<see cref="Destination"/>), and who
/// answered (<see cref="Responder"/>: the router that sent the error, or the destination itself).
/// </summary>
internal readonly record struct PathReply(IcmpMessageKind Kind, ushort Identifier, ushort Sequence, IcmpAddress Destination, IcmpAddress Responder)
{
    /// <summary>
    /// Parses what a raw IPv4 ICMP socket delivers (IP header first). The quoted-header parsing is
    /// <see cref="IcmpPacket"/>'s; this adds the error's own source, which the ping engine never needs. An RFC 4884
    /// extension (MPLS labels, interface info) sits after the padded quote and changes nothing at its start.
    /// </summary>
    public static bool TryParseIPv4(ReadOnlySpan<byte> datagram, out PathReply reply)
    {
        reply = default;
        if (!IcmpPacket.TryParseIPv4(datagram, out var message))
        {
            return false;
        }

        // TryParseIPv4 checked the version and the header length, so the source address (bytes 12-15) is there.
        reply = new PathReply(message.Kind, message.Identifier, message.Sequence, message.Peer, IcmpAddress.FromIPv4(datagram.Slice(12, 4)));
        return true;
    }

    /// <summary>Parses what a raw ICMPv6 socket delivers (no IPv6 header); <paramref name="source"/> comes from the receive address.</summary>
    public static bool TryParseIPv6(ReadOnlySpan<byte> icmp, IcmpAddress source, out PathReply reply)
    {
        reply = default;
        if (!IcmpPacket.TryParseIPv6(icmp, source, out var message))
        {
            return false;
        }

        reply = new PathReply(message.Kind, message.Identifier, message.Sequence, message.Peer, source);
        return true;
    }
}
