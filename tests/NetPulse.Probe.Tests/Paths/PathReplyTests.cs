using System.Buffers.Binary;
using System.Net;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;

namespace NetPulse.Probe.Tests.Paths;

/// <summary>Answers to path probes, as a raw socket delivers them, matched by the echo request the error quotes.</summary>
public sealed class PathReplyTests
{
    private const ushort Identifier = 0x4E50;
    private static readonly IPAddress Probe = IPAddress.Parse("10.200.240.1");
    private static readonly IPAddress Router = IPAddress.Parse("10.200.241.2");
    private static readonly IPAddress Target = IPAddress.Parse("10.200.243.2");
    private static readonly IPAddress Router6 = IPAddress.Parse("fd00:200:0:1::2");
    private static readonly IPAddress Target6 = IPAddress.Parse("fd00:200:0:3::2");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_ipv4_time_exceeded_names_the_router_and_the_quoted_request(bool withExtension)
    {
        var quoted = WithIPv4Header(Request(ipv6: false, sequence: 7), Probe, Target, ttl: 1);
        var error = IPv4Error(11, quoted, withExtension);

        Assert.True(PathReply.TryParseIPv4(WithIPv4Header(error, Router, Probe), out var reply));

        Assert.Equal(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 7, IcmpAddress.From(Target), IcmpAddress.From(Router)), reply);
    }

    [Fact]
    public void An_ipv4_unreachable_is_matched_the_same_way()
    {
        var error = IPv4Error(3, WithIPv4Header(Request(ipv6: false, sequence: 9), Probe, Target, ttl: 3), withExtension: false);

        Assert.True(PathReply.TryParseIPv4(WithIPv4Header(error, Router, Probe), out var reply));

        Assert.Equal((IcmpMessageKind.Unreachable, (ushort)9, IcmpAddress.From(Router)), (reply.Kind, reply.Sequence, reply.Responder));
    }

    [Fact]
    public void An_ipv4_echo_reply_comes_from_the_destination()
    {
        Assert.True(PathReply.TryParseIPv4(WithIPv4Header(ToReply(Request(ipv6: false, sequence: 4)), Target, Probe), out var reply));

        Assert.Equal(new PathReply(IcmpMessageKind.EchoReply, Identifier, 4, IcmpAddress.From(Target), IcmpAddress.From(Target)), reply);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_ipv6_time_exceeded_names_the_router_and_the_quoted_request(bool withExtension)
    {
        var quoted = WithIPv6Header(Request(ipv6: true, sequence: 12), IPAddress.Parse("fd00:200::1"), Target6);
        var error = IPv6Error(3, quoted, withExtension);

        Assert.True(PathReply.TryParseIPv6(error, IcmpAddress.From(Router6), out var reply));

        Assert.Equal(new PathReply(IcmpMessageKind.TimeExceeded, Identifier, 12, IcmpAddress.From(Target6), IcmpAddress.From(Router6)), reply);
    }

    [Fact]
    public void Foreign_messages_are_not_answers()
    {
        // traceroute's UDP probe quoted in a time-exceeded, our own echo request seen on the way out, a redirect.
        var udp = new byte[8];
        Assert.False(PathReply.TryParseIPv4(WithIPv4Header(IPv4Error(11, WithIPv4Header(udp, Probe, Target, ttl: 1, protocol: 17), false), Router, Probe), out _));
        Assert.False(PathReply.TryParseIPv4(WithIPv4Header(Request(ipv6: false, sequence: 1), Probe, Target), out _));
        Assert.False(PathReply.TryParseIPv4(WithIPv4Header(IPv4Error(5, WithIPv4Header(Request(false, 1), Probe, Target), false), Router, Probe), out _));
        Assert.False(PathReply.TryParseIPv6(Request(ipv6: true, sequence: 1), IcmpAddress.From(Router6), out _));
        // A quote cut short before the echo header ends.
        Assert.False(PathReply.TryParseIPv4(WithIPv4Header(IPv4Error(11, WithIPv4Header(Request(false, 1), Probe, Target)[..24], false), Router, Probe), out _));
    }

    internal static byte[] Request(bool ipv6, ushort sequence, ushort identifier = Identifier)
    {
        var packet = new byte[IcmpPacket.EchoRequestLength];
        for (var i = IcmpPacket.HeaderLength; i < packet.Length; i++)
        {
            packet[i] = (byte)i;
        }

        IcmpPacket.WriteEchoRequest(packet, ipv6, identifier, sequence);
        return packet;
    }

    private static byte[] ToReply(byte[] request)
    {
        var reply = (byte[])request.Clone();
        reply[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), IcmpPacket.Checksum(reply));
        return reply;
    }

    /// <summary>
    /// An ICMPv4 error quoting <paramref name="quoted"/>; with an RFC 4884 extension the quote is padded to 128 bytes, its
    /// length in 32-bit words goes in byte 5, and an extension structure (version 2, one MPLS label object) follows.
    /// </summary>
    private static byte[] IPv4Error(byte type, byte[] quoted, bool withExtension)
    {
        var body = withExtension ? Extended(quoted, 128) : quoted;
        var error = new byte[8 + body.Length];
        error[0] = type;
        if (withExtension)
        {
            error[5] = 128 / 4;
        }

        body.CopyTo(error, 8);
        BinaryPrimitives.WriteUInt16BigEndian(error.AsSpan(2), IcmpPacket.Checksum(error));
        return error;
    }

    /// <summary>An ICMPv6 error; with an extension, the quote's length in 64-bit words goes in byte 4.</summary>
    private static byte[] IPv6Error(byte type, byte[] quoted, bool withExtension)
    {
        var body = withExtension ? Extended(quoted, 128) : quoted;
        var error = new byte[8 + body.Length];
        error[0] = type;
        if (withExtension)
        {
            error[4] = 128 / 8;
        }

        body.CopyTo(error, 8);
        return error;
    }

    private static byte[] Extended(byte[] quoted, int padTo)
    {
        var padded = new byte[Math.Max(padTo, quoted.Length)];
        quoted.CopyTo(padded, 0);
        // Extension header (version 2), then an object: length 8, class 1 (MPLS label stack), c-type 1, one label.
        byte[] extension = [0x20, 0, 0, 0, 0, 8, 1, 1, 0x00, 0x01, 0x01, 0xFF];
        return [.. padded, .. extension];
    }

    private static byte[] WithIPv4Header(byte[] payload, IPAddress source, IPAddress destination, byte ttl = 64, byte protocol = 1)
    {
        var datagram = new byte[20 + payload.Length];
        datagram[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)datagram.Length);
        datagram[8] = ttl;
        datagram[9] = protocol;
        source.TryWriteBytes(datagram.AsSpan(12), out _);
        destination.TryWriteBytes(datagram.AsSpan(16), out _);
        payload.CopyTo(datagram, 20);
        return datagram;
    }

    private static byte[] WithIPv6Header(byte[] payload, IPAddress source, IPAddress destination)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = 58;
        packet[7] = 1;
        source.TryWriteBytes(packet.AsSpan(8), out _);
        destination.TryWriteBytes(packet.AsSpan(24), out _);
        payload.CopyTo(packet, 40);
        return packet;
    }
}
