using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// The pieces of the ICMP datagram path that need no socket: what a datagram socket and its error queue deliver,
/// identifiers per family, and the <c>Probe:Icmp:Engine</c> setting. The sockets themselves are tested on the wire
/// (<see cref="DatagramSocketEngineOnTheWireTests"/>, the integration tests' wire and unprivileged tests).
/// </summary>
public sealed class DatagramPathTests
{
    private static readonly IcmpAddress Target = IcmpAddress.From(IPAddress.Parse("192.0.2.7"));
    private static readonly IcmpAddress Target6 = IcmpAddress.From(IPAddress.Parse("2001:db8::7"));

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 129)]
    public void A_datagram_sockets_echo_reply_has_no_ip_header_and_its_source_comes_from_the_socket_address(bool ipv6, byte replyType)
    {
        var reply = Echo(replyType, identifier: 40001, sequence: 17);
        var source = ipv6 ? Target6 : Target;

        Assert.True(IcmpPacket.TryParseDatagramReply(reply, ipv6, source, out var message));

        Assert.Equal(new IcmpMessage(IcmpMessageKind.EchoReply, 40001, 17, source), message);
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(false, 129)]
    [InlineData(true, 0)]
    [InlineData(true, 128)]
    public void Anything_but_an_echo_reply_of_the_sockets_family_is_not_a_reply(bool ipv6, byte type)
    {
        Assert.False(IcmpPacket.TryParseDatagramReply(Echo(type, 1, 1), ipv6, ipv6 ? Target6 : Target, out _));
        Assert.False(IcmpPacket.TryParseDatagramReply(Echo(0, 1, 1).AsSpan(0, 7), ipv6: false, Target, out _));
    }

    [Theory]
    [InlineData(IcmpPacket.QueuedErrorFromIcmp, 3, 8, (int)IcmpMessageKind.Unreachable)]
    [InlineData(IcmpPacket.QueuedErrorFromIcmp, 11, 8, (int)IcmpMessageKind.TimeExceeded)]
    [InlineData(IcmpPacket.QueuedErrorFromIcmp6, 1, 128, (int)IcmpMessageKind.Unreachable)]
    [InlineData(IcmpPacket.QueuedErrorFromIcmp6, 3, 128, (int)IcmpMessageKind.TimeExceeded)]
    public void A_queued_icmp_error_closes_the_round_of_the_request_it_quotes(byte origin, byte type, byte requestType, int expectedKind)
    {
        var expected = (IcmpMessageKind)expectedKind;
        var destination = origin == IcmpPacket.QueuedErrorFromIcmp6 ? Target6 : Target;

        Assert.True(IcmpPacket.TryParseQueuedError(Echo(requestType, identifier: 555, sequence: 9), origin, type, destination, out var message));

        Assert.Equal(new IcmpMessage(expected, 555, 9, destination), message);
    }

    [Theory]
    [InlineData(1, 3, 8)] // SO_EE_ORIGIN_LOCAL: a local error (message too long), not the network's answer
    [InlineData(IcmpPacket.QueuedErrorFromIcmp, 5, 8)] // a redirect
    [InlineData(IcmpPacket.QueuedErrorFromIcmp, 3, 0)] // quoting something that is not an echo request
    [InlineData(IcmpPacket.QueuedErrorFromIcmp6, 1, 8)] // an ICMPv6 error quoting an IPv4 request
    public void Other_queued_errors_are_ignored(byte origin, byte type, byte requestType)
    {
        Assert.False(IcmpPacket.TryParseQueuedError(Echo(requestType, 555, 9), origin, type, Target, out _));
    }

    [Fact]
    public void Each_family_matches_on_its_own_identifier_the_ports_of_its_two_sockets()
    {
        var pending = new PendingRounds(slotCount: 2, identifier: 1000, identifierV6: 2000);
        pending.Begin(new PendingRound(0, 1, 5, Target, 0, 1));
        pending.Begin(new PendingRound(1, 1, 5, Target6, 0, 1));

        Assert.Equal(2000, pending.IdentifierFor(ipv6: true));
        Assert.Equal(ReplyMatch.Foreign, pending.TryComplete(new IcmpMessage(IcmpMessageKind.EchoReply, 1000, 5, Target6), out _));
        Assert.Equal(ReplyMatch.Foreign, pending.TryComplete(new IcmpMessage(IcmpMessageKind.EchoReply, 2000, 5, Target), out _));
        Assert.Equal(ReplyMatch.Matched, pending.TryComplete(new IcmpMessage(IcmpMessageKind.EchoReply, 2000, 5, Target6), out var v6));
        Assert.Equal(ReplyMatch.Matched, pending.TryComplete(new IcmpMessage(IcmpMessageKind.EchoReply, 1000, 5, Target), out var v4));
        Assert.Equal((1, 0), (v6.Slot, v4.Slot));
    }

    [Theory]
    [InlineData("auto", PingEngineChoice.Auto)]
    [InlineData("raw", PingEngineChoice.RawSocket)]
    [InlineData("Datagram", PingEngineChoice.DatagramSocket)]
    [InlineData(" ping-class ", PingEngineChoice.PingClass)]
    public void The_engine_setting_names_each_path(string value, PingEngineChoice expected)
    {
        Assert.True(PingEngineFactory.TryParse(value, out var choice));
        Assert.Equal(expected, choice);
    }

    [Fact]
    public void An_unknown_engine_setting_stops_the_probe_naming_the_field_and_the_choices()
    {
        using var host = ProbeHost.CreateBuilder(["--Probe:Icmp:Engine=dgram"]).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => ProbeHost.ValidatedOptions(host.Services));

        var problem = Assert.Single(ex.Failures);
        Assert.EndsWith("Probe:Icmp:Engine: 'dgram' is not an ICMP engine: use auto (a raw socket, else an ICMP datagram socket, else the Ping class), raw, datagram or ping-class", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_engine_is_the_one_the_probe_runs()
    {
        using var host = ProbeHost.CreateBuilder(["--Probe:Icmp:Engine=ping-class"]).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(host.Services.GetRequiredService<IOptions<ProbeOptions>>())
            .AddPingEngine();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(PingClassPingEngine.EngineName, provider.GetRequiredService<IPingEngine>().Name);
    }

    [Fact]
    public void A_configured_datagram_path_this_process_may_not_open_stops_the_probe_saying_what_to_change()
    {
        var options = Options.Create(new ProbeOptions { Icmp = new IcmpOptions { Engine = "datagram" } });
        var factory = new PingEngineFactory(new TargetResolver(), options, TimeProvider.System, NullLoggerFactory.Instance);
        if (DatagramSocketPingEngine.CanOpenDatagramSocket(out _))
        {
            // This machine's range lets root's group in: the path works, and is the one chosen.
            Assert.Equal(DatagramSocketPingEngine.EngineName, factory.Create().Name);
            return;
        }

        var ex = Assert.Throws<IcmpUnavailableException>(() => factory.Create());

        Assert.StartsWith("cannot ping: Probe:Icmp:Engine is 'datagram' but this process may not open an ICMP datagram socket", ex.Message, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.ping_group_range is \"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CAP_NET_RAW", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Echo(byte type, ushort identifier, ushort sequence)
    {
        var packet = new byte[IcmpPacket.EchoRequestLength];
        packet[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        return packet;
    }
}
