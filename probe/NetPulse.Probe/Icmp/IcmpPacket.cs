using System.Buffers.Binary;

namespace NetPulse.Probe.Icmp;

/// <summary>What an ICMP message that arrived means for the engine.</summary>
internal enum IcmpMessageKind
{
    /// <summary>Not an echo reply or an error about an echo request: ignore it.</summary>
    Other,
    EchoReply,
    /// <summary>Destination unreachable (ICMP type 3, ICMPv6 type 1) quoting an echo request.</summary>
    Unreachable,
    /// <summary>Time exceeded (ICMP type 11, ICMPv6 type 3) quoting an echo request.</summary>
    TimeExceeded,
}

/// <summary>
/// A received ICMP message reduced to what matching needs. <see cref="Peer"/> is the address the echo
/// request went to: the reply's source for an echo reply, the quoted packet's destination for an error
/// (the error itself comes from some router on the way).
/// </summary>
internal readonly record struct IcmpMessage(IcmpMessageKind Kind, ushort Identifier, ushort Sequence, IcmpAddress Peer);

/// <summary>Builds echo requests and parses what a raw or datagram ICMP or ICMPv6 socket receives.</summary>
internal static class IcmpPacket
{
    public const int HeaderLength = 8;

    /// <summary>The payload length ping and fping send by default, so RTTs compare like for like.</summary>
    public const int DefaultPayloadLength = 56;

    public const int EchoRequestLength = HeaderLength + DefaultPayloadLength;

    private const byte IcmpEchoReply = 0;
    private const byte IcmpDestinationUnreachable = 3;
    private const byte IcmpEchoRequest = 8;
    private const byte IcmpTimeExceeded = 11;
    private const byte Icmp6DestinationUnreachable = 1;
    private const byte Icmp6TimeExceeded = 3;
    private const byte Icmp6EchoRequest = 128;
    private const byte Icmp6EchoReply = 129;
    private const byte ProtocolIcmp = 1;
    private const byte NextHeaderIcmp6 = 58;
    private const int IPv4MinHeaderLength = 20;
    private const int IPv6HeaderLength = 40;

    /// <summary><c>SO_EE_ORIGIN_ICMP</c> and <c>SO_EE_ORIGIN_ICMP6</c> (linux/errqueue.h): the error came from an ICMP message.</summary>
    public const byte QueuedErrorFromIcmp = 2;
    public const byte QueuedErrorFromIcmp6 = 3;

    /// <summary>
    /// Writes an echo request into <paramref name="packet"/> (<see cref="EchoRequestLength"/> bytes). The
    /// payload is left as the caller filled it. For IPv4 the checksum is computed here; for ICMPv6 the kernel
    /// fills it (it covers a pseudo-header with addresses only the kernel knows for sure).
    /// </summary>
    public static void WriteEchoRequest(Span<byte> packet, bool ipv6, ushort identifier, ushort sequence)
    {
        packet[0] = ipv6 ? Icmp6EchoRequest : IcmpEchoRequest;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], sequence);
        if (!ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], Checksum(packet));
        }
    }

    /// <summary>The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>
    /// Parses what a raw IPv4 ICMP socket delivers: the IPv4 header (its length from IHL) and then ICMP.
    /// Returns false for anything the engine does not care about, including its own echo requests that a
    /// socket sees on loopback and replies with a bad checksum.
    /// </summary>
    public static bool TryParseIPv4(ReadOnlySpan<byte> datagram, out IcmpMessage message)
    {
        message = default;
        if (!TrySplitIPv4(datagram, out var headerLength, out var protocol) || protocol != ProtocolIcmp)
        {
            return false;
        }

        var source = IcmpAddress.FromIPv4(datagram.Slice(12, 4));
        var icmp = datagram[headerLength..];
        if (icmp.Length < HeaderLength)
        {
            return false;
        }

        switch (icmp[0])
        {
            case IcmpEchoReply:
                if (Checksum(icmp) != 0)
                {
                    return false;
                }

                message = new IcmpMessage(IcmpMessageKind.EchoReply, ReadIdentifier(icmp), ReadSequence(icmp), source);
                return true;
            case IcmpDestinationUnreachable:
                return TryParseQuotedIPv4(icmp[HeaderLength..], IcmpMessageKind.Unreachable, out message);
            case IcmpTimeExceeded:
                return TryParseQuotedIPv4(icmp[HeaderLength..], IcmpMessageKind.TimeExceeded, out message);
            default:
                return false;
        }
    }

    /// <summary>
    /// Parses what a raw ICMPv6 socket delivers: the ICMPv6 message alone (no IPv6 header, the kernel has
    /// checked the checksum); <paramref name="source"/> comes from the socket's receive address.
    /// </summary>
    public static bool TryParseIPv6(ReadOnlySpan<byte> icmp, IcmpAddress source, out IcmpMessage message)
    {
        message = default;
        if (icmp.Length < HeaderLength)
        {
            return false;
        }

        switch (icmp[0])
        {
            case Icmp6EchoReply:
                message = new IcmpMessage(IcmpMessageKind.EchoReply, ReadIdentifier(icmp), ReadSequence(icmp), source);
                return true;
            case Icmp6DestinationUnreachable:
                return TryParseQuotedIPv6(icmp[HeaderLength..], IcmpMessageKind.Unreachable, out message);
            case Icmp6TimeExceeded:
                return TryParseQuotedIPv6(icmp[HeaderLength..], IcmpMessageKind.TimeExceeded, out message);
            default:
                return false;
        }
    }

    /// <summary>
    /// Parses what an ICMP datagram socket delivers (Linux <c>SOCK_DGRAM</c>, <c>IPPROTO_ICMP</c> or
    /// <c>IPPROTO_ICMPV6</c>): an echo reply to this socket alone, with no IP header and its checksum already
    /// checked by the kernel; <paramref name="source"/> comes from the socket's receive address. Errors never
    /// arrive this way (see <see cref="TryParseQueuedError"/>).
    /// </summary>
    public static bool TryParseDatagramReply(ReadOnlySpan<byte> icmp, bool ipv6, IcmpAddress source, out IcmpMessage message)
    {
        message = default;
        if (icmp.Length < HeaderLength || icmp[0] != (ipv6 ? Icmp6EchoReply : IcmpEchoReply))
        {
            return false;
        }

        message = new IcmpMessage(IcmpMessageKind.EchoReply, ReadIdentifier(icmp), ReadSequence(icmp), source);
        return true;
    }

    /// <summary>
    /// Parses an ICMP error that Linux queued on a datagram socket's error queue (<c>IP_RECVERR</c>,
    /// <c>IPV6_RECVERR</c>): <paramref name="quotedRequest"/> is the echo request the error quotes (the data read
    /// with <c>MSG_ERRQUEUE</c>), <paramref name="origin"/> and <paramref name="type"/> come from the
    /// <c>sock_extended_err</c>, and <paramref name="destination"/> is where the request went (the receive address).
    /// </summary>
    public static bool TryParseQueuedError(ReadOnlySpan<byte> quotedRequest, byte origin, byte type, IcmpAddress destination, out IcmpMessage message)
    {
        message = default;
        var kind = (origin, type) switch
        {
            (QueuedErrorFromIcmp, IcmpDestinationUnreachable) or (QueuedErrorFromIcmp6, Icmp6DestinationUnreachable) => IcmpMessageKind.Unreachable,
            (QueuedErrorFromIcmp, IcmpTimeExceeded) or (QueuedErrorFromIcmp6, Icmp6TimeExceeded) => IcmpMessageKind.TimeExceeded,
            _ => IcmpMessageKind.Other,
        };
        if (kind == IcmpMessageKind.Other || quotedRequest.Length < HeaderLength
            || quotedRequest[0] != (origin == QueuedErrorFromIcmp6 ? Icmp6EchoRequest : IcmpEchoRequest))
        {
            return false;
        }

        message = new IcmpMessage(kind, ReadIdentifier(quotedRequest), ReadSequence(quotedRequest), destination);
        return true;
    }

    private static bool TrySplitIPv4(ReadOnlySpan<byte> datagram, out int headerLength, out byte protocol)
    {
        headerLength = 0;
        protocol = 0;
        if (datagram.Length < IPv4MinHeaderLength || datagram[0] >> 4 != 4)
        {
            return false;
        }

        headerLength = (datagram[0] & 0x0F) * 4;
        protocol = datagram[9];
        return headerLength >= IPv4MinHeaderLength && datagram.Length >= headerLength;
    }

    /// <summary>An ICMPv4 error quotes the offending IP header and at least the first 8 bytes after it.</summary>
    private static bool TryParseQuotedIPv4(ReadOnlySpan<byte> quoted, IcmpMessageKind kind, out IcmpMessage message)
    {
        message = default;
        if (!TrySplitIPv4(quoted, out var headerLength, out var protocol) || protocol != ProtocolIcmp)
        {
            return false;
        }

        var request = quoted[headerLength..];
        if (request.Length < HeaderLength || request[0] != IcmpEchoRequest)
        {
            return false;
        }

        var destination = IcmpAddress.FromIPv4(quoted.Slice(16, 4));
        message = new IcmpMessage(kind, ReadIdentifier(request), ReadSequence(request), destination);
        return true;
    }

    /// <summary>An ICMPv6 error quotes as much of the offending packet as fits: its IPv6 header and our request.</summary>
    private static bool TryParseQuotedIPv6(ReadOnlySpan<byte> quoted, IcmpMessageKind kind, out IcmpMessage message)
    {
        message = default;
        if (quoted.Length < IPv6HeaderLength + HeaderLength || quoted[0] >> 4 != 6 || quoted[6] != NextHeaderIcmp6)
        {
            return false;
        }

        var request = quoted[IPv6HeaderLength..];
        if (request[0] != Icmp6EchoRequest)
        {
            return false;
        }

        var destination = IcmpAddress.FromIPv6(quoted.Slice(24, 16));
        message = new IcmpMessage(kind, ReadIdentifier(request), ReadSequence(request), destination);
        return true;
    }

    private static ushort ReadIdentifier(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]);

    private static ushort ReadSequence(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
}
