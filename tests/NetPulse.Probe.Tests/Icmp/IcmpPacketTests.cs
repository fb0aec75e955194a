using System.Buffers.Binary;
using System.Net;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class IcmpPacketTests
{
    private const ushort Identifier = 0x4e50;
    private static readonly IPAddress Target = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Router = IPAddress.Parse("198.51.100.1");
    private static readonly IPAddress Target6 = IPAddress.Parse("2001:db8::7");

    [Fact]
    public void Checksum_matches_the_rfc_1071_example()
    {
        // RFC 1071 section 3: these words sum to 0xddf2; the checksum is its complement.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, IcmpPacket.Checksum(data));
    }

    [Fact]
    public void Checksum_pads_an_odd_length_with_a_zero_byte()
    {
        byte[] odd = [0x12, 0x34, 0x56];
        byte[] padded = [0x12, 0x34, 0x56, 0x00];

        Assert.Equal(IcmpPacket.Checksum(padded), IcmpPacket.Checksum(odd));
    }

    [Fact]
    public void An_ipv4_echo_request_carries_identifier_sequence_and_a_checksum_that_verifies()
    {
        var packet = NewRequest(ipv6: false, sequence: 513);

        Assert.Equal(8, packet[0]);
        Assert.Equal(0, packet[1]);
        Assert.Equal(Identifier, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)));
        Assert.Equal(513, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(6)));
        Assert.Equal(0, IcmpPacket.Checksum(packet));
    }

    [Fact]
    public void An_ipv6_echo_request_leaves_the_checksum_to_the_kernel()
    {
        var packet = NewRequest(ipv6: true, sequence: 9);

        Assert.Equal(128, packet[0]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
        Assert.Equal(9, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(6)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(40)]
    public void An_echo_reply_round_trips_behind_an_ipv4_header_of_any_length(int optionBytes)
    {
        var reply = ToReply(NewRequest(ipv6: false, sequence: 77));
        var datagram = WithIPv4Header(reply, source: Target, destination: Router, protocol: 1, optionBytes);

        Assert.True(IcmpPacket.TryParseIPv4(datagram, out var message));

        Assert.Equal(new IcmpMessage(IcmpMessageKind.EchoReply, Identifier, 77, IcmpAddress.From(Target)), message);
    }

    [Fact]
    public void Our_own_echo_request_seen_on_loopback_is_not_a_reply()
    {
        var datagram = WithIPv4Header(NewRequest(ipv6: false, sequence: 1), IPAddress.Loopback, IPAddress.Loopback, protocol: 1);

        Assert.False(IcmpPacket.TryParseIPv4(datagram, out _));
    }

    [Fact]
    public void A_reply_with_a_broken_checksum_is_ignored()
    {
        var reply = ToReply(NewRequest(ipv6: false, sequence: 3));
        reply[^1] ^= 0xFF;

        Assert.False(IcmpPacket.TryParseIPv4(WithIPv4Header(reply, Target, Router, protocol: 1), out _));
    }

    [Theory]
    [InlineData(3, (int)IcmpMessageKind.Unreachable)]
    [InlineData(11, (int)IcmpMessageKind.TimeExceeded)]
    public void An_ipv4_error_is_matched_through_the_request_it_quotes(byte type, int expectedKind)
    {
        var kind = (IcmpMessageKind)expectedKind;
        var request = NewRequest(ipv6: false, sequence: 4242);
        var quoted = WithIPv4Header(request.AsSpan(0, 8).ToArray(), source: Router, destination: Target, protocol: 1);
        var datagram = WithIPv4Header(Error(type, quoted), source: Router, destination: Router, protocol: 1);

        Assert.True(IcmpPacket.TryParseIPv4(datagram, out var message));

        // The peer is the request's destination (the target), not the router that complained.
        Assert.Equal(new IcmpMessage(kind, Identifier, 4242, IcmpAddress.From(Target)), message);
    }

    [Fact]
    public void An_error_about_something_other_than_an_echo_request_is_ignored()
    {
        var udp = new byte[8];
        var quotedUdp = WithIPv4Header(udp, Router, Target, protocol: 17);
        var quotedReply = WithIPv4Header(ToReply(NewRequest(ipv6: false, sequence: 1)).AsSpan(0, 8).ToArray(), Router, Target, protocol: 1);

        Assert.False(IcmpPacket.TryParseIPv4(WithIPv4Header(Error(3, quotedUdp), Router, Router, protocol: 1), out _));
        Assert.False(IcmpPacket.TryParseIPv4(WithIPv4Header(Error(3, quotedReply), Router, Router, protocol: 1), out _));
    }

    [Fact]
    public void Truncated_or_non_icmp_datagrams_are_ignored()
    {
        var datagram = WithIPv4Header(ToReply(NewRequest(ipv6: false, sequence: 1)), Target, Router, protocol: 1);

        Assert.False(IcmpPacket.TryParseIPv4(datagram.AsSpan(0, 19), out _));
        Assert.False(IcmpPacket.TryParseIPv4(datagram.AsSpan(0, 24), out _));
        Assert.False(IcmpPacket.TryParseIPv4(WithIPv4Header(new byte[8], Target, Router, protocol: 6), out _));
    }

    [Fact]
    public void An_icmpv6_echo_reply_takes_its_source_from_the_socket_address()
    {
        var reply = NewRequest(ipv6: true, sequence: 12);
        reply[0] = 129;

        Assert.True(IcmpPacket.TryParseIPv6(reply, IcmpAddress.From(Target6), out var message));

        Assert.Equal(new IcmpMessage(IcmpMessageKind.EchoReply, Identifier, 12, IcmpAddress.From(Target6)), message);
        Assert.False(IcmpPacket.TryParseIPv6(NewRequest(ipv6: true, sequence: 12), IcmpAddress.From(Target6), out _));
    }

    [Theory]
    [InlineData(1, (int)IcmpMessageKind.Unreachable)]
    [InlineData(3, (int)IcmpMessageKind.TimeExceeded)]
    public void An_icmpv6_error_is_matched_through_the_request_it_quotes(byte type, int expectedKind)
    {
        var kind = (IcmpMessageKind)expectedKind;
        var quoted = WithIPv6Header(NewRequest(ipv6: true, sequence: 600), IPAddress.Parse("2001:db8::1"), Target6);
        var error = Error(type, quoted);

        Assert.True(IcmpPacket.TryParseIPv6(error, IcmpAddress.From(IPAddress.Parse("2001:db8::fe")), out var message));

        Assert.Equal(new IcmpMessage(kind, Identifier, 600, IcmpAddress.From(Target6)), message);
    }

    [Fact]
    public void Addresses_of_both_families_convert_both_ways()
    {
        Assert.Equal(Target, IcmpAddress.From(Target).ToIPAddress());
        Assert.Equal(Target6, IcmpAddress.From(Target6).ToIPAddress());
        Assert.True(IcmpAddress.From(Target).IsIPv4);
        Assert.False(IcmpAddress.From(Target6).IsIPv4);
        Assert.NotEqual(IcmpAddress.From(IPAddress.Loopback), IcmpAddress.From(IPAddress.IPv6Loopback));
    }

    private static byte[] NewRequest(bool ipv6, ushort sequence)
    {
        var packet = new byte[IcmpPacket.EchoRequestLength];
        for (var i = IcmpPacket.HeaderLength; i < packet.Length; i++)
        {
            packet[i] = (byte)i;
        }

        IcmpPacket.WriteEchoRequest(packet, ipv6, Identifier, sequence);
        return packet;
    }

    /// <summary>What the target sends back: type 0, the rest echoed, the checksum redone.</summary>
    private static byte[] ToReply(byte[] request)
    {
        var reply = (byte[])request.Clone();
        reply[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), IcmpPacket.Checksum(reply));
        return reply;
    }

    private static byte[] Error(byte type, byte[] quoted)
    {
        var error = new byte[8 + quoted.Length];
        error[0] = type;
        error[1] = 1;
        quoted.CopyTo(error, 8);
        BinaryPrimitives.WriteUInt16BigEndian(error.AsSpan(2), IcmpPacket.Checksum(error));
        return error;
    }

    private static byte[] WithIPv4Header(byte[] payload, IPAddress source, IPAddress destination, byte protocol, int optionBytes = 0)
    {
        var headerLength = 20 + optionBytes;
        var datagram = new byte[headerLength + payload.Length];
        datagram[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)datagram.Length);
        datagram[8] = 64;
        datagram[9] = protocol;
        source.TryWriteBytes(datagram.AsSpan(12), out _);
        destination.TryWriteBytes(datagram.AsSpan(16), out _);
        payload.CopyTo(datagram, headerLength);
        return datagram;
    }

    private static byte[] WithIPv6Header(byte[] payload, IPAddress source, IPAddress destination)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = 58;
        packet[7] = 64;
        source.TryWriteBytes(packet.AsSpan(8), out _);
        destination.TryWriteBytes(packet.AsSpan(24), out _);
        payload.CopyTo(packet, 40);
        return packet;
    }
}
