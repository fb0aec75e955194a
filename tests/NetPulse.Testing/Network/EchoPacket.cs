using System.Buffers.Binary;

namespace NetPulse.Testing.Network;

/// <summary>Reads an IPv4 ICMP echo request as a raw socket delivers it and builds its reply.</summary>
internal static class EchoPacket
{
    private const byte EchoRequest = 8;
    private const byte EchoReply = 0;
    private const int IpHeaderLength = 20;

    /// <summary>An echo request: who sent it, to which of our addresses, and where its ICMP message starts.</summary>
    public readonly record struct Request(uint Source, uint Destination, int IcmpOffset);

    public static bool TryReadRequest(ReadOnlySpan<byte> packet, out Request request)
    {
        request = default;
        if (packet.Length < IpHeaderLength || packet[0] >> 4 != 4)
        {
            return false;
        }

        var icmpOffset = (packet[0] & 0x0f) * 4;
        if (icmpOffset < IpHeaderLength || packet.Length < icmpOffset + 8 || packet[9] != 1
            || packet[icmpOffset] != EchoRequest || packet[icmpOffset + 1] != 0)
        {
            return false;
        }

        request = new Request(
            BinaryPrimitives.ReadUInt32BigEndian(packet[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[16..]),
            icmpOffset);
        return true;
    }

    /// <summary>
    /// The reply with its own IP header (the socket sends with IP_HDRINCL): from the address the request
    /// went to, which with several addresses on one link the kernel would not pick by itself. The kernel
    /// fills in the total length, the id and the header checksum.
    /// </summary>
    public static byte[] BuildReply(ReadOnlySpan<byte> packet, Request request)
    {
        var icmp = packet[request.IcmpOffset..];
        var reply = new byte[IpHeaderLength + icmp.Length];
        reply[0] = 0x45;
        reply[1] = packet[1];
        reply[8] = 64;
        reply[9] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(12), request.Destination);
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(16), request.Source);

        var message = reply.AsSpan(IpHeaderLength);
        icmp.CopyTo(message);
        message[0] = EchoReply;
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum(message));
        return reply;
    }

    /// <summary>The Internet checksum (RFC 1071) of an ICMP message whose checksum field is zero.</summary>
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

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
