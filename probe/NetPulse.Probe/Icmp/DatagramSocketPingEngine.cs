using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The middle path: the raw-socket engine's loop (<see cref="RawPingLoop"/>: one thread, one schedule, kernel
/// receive stamps) on Linux ICMP datagram sockets, which an unprivileged process may open when its group is inside
/// <c>net.ipv4.ping_group_range</c> (open by default on systemd distributions and in Docker). Same samples and RTT
/// precision as the raw engine, no CAP_NET_RAW. The kernel owns the echo identifier (the socket's port), delivers
/// only this socket's replies, and queues the ICMP errors about its requests on the socket's error queue, which
/// the loop reads, so unreachable and TTL-expired rounds are told apart as on a raw socket.
/// </summary>
public sealed class DatagramSocketPingEngine : PingEngineBase
{
    public const string EngineName = "datagram-socket";

    private readonly Func<AddressFamily, Socket>? _createSocket;

    public DatagramSocketPingEngine(
        TargetResolver resolver,
        TimeSpan dnsRefreshInterval,
        TimeProvider timeProvider,
        ILogger<DatagramSocketPingEngine> logger)
        : this(resolver, dnsRefreshInterval, timeProvider, logger, createSocket: null)
    {
    }

    /// <param name="createSocket">Makes each unbound datagram socket; tests make them inside a network namespace.</param>
    internal DatagramSocketPingEngine(
        TargetResolver resolver,
        TimeSpan dnsRefreshInterval,
        TimeProvider timeProvider,
        ILogger<DatagramSocketPingEngine> logger,
        Func<AddressFamily, Socket>? createSocket)
        : base(resolver, dnsRefreshInterval, timeProvider, logger)
    {
        _createSocket = createSocket;
    }

    public override string Name => EngineName;

    /// <summary>Whether this process may open an ICMP datagram socket (64-bit Linux, its group inside <c>net.ipv4.ping_group_range</c>).</summary>
    public static bool CanOpenDatagramSocket(out SocketException? error) => IcmpSockets.CanOpenDatagram(out error);

    /// <exception cref="SocketException">The socket cannot be opened (the group is outside <c>net.ipv4.ping_group_range</c>).</exception>
    /// <exception cref="PlatformNotSupportedException">Not 64-bit Linux.</exception>
    private protected override async Task PingAsync(IReadOnlyList<ProbeTarget> targets, TargetAddressBook addresses, ChannelWriter<PingSample> samples, CancellationToken cancellationToken)
    {
        // Opened before anything else, so a missing permission surfaces at once.
        using var sockets = IcmpSockets.OpenDatagram(addresses.MayNeedIPv6, Logger, _createSocket);
        await WhileResolvingAsync(
            addresses,
            () => new RawPingLoop(targets, sockets, addresses, samples, Stats, TimeProvider, Logger).RunOnDedicatedThreadAsync(cancellationToken),
            cancellationToken);
    }
}
