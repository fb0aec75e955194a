using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The fast path: one raw ICMP socket (and one ICMPv6 socket) driven by one dedicated scheduling thread
/// (see <see cref="RawPingLoop"/>). Measured at 1.3× fping's CPU for 1,000 targets at 1 s, against 4.9×
/// for a <c>Ping</c> per target. Needs root or CAP_NET_RAW; <see cref="PingEngineFactory"/> falls back to
/// <see cref="PingClassPingEngine"/> without them.
/// </summary>
public sealed class RawSocketPingEngine : PingEngineBase
{
    public const string EngineName = "raw-socket";

    public RawSocketPingEngine(
        TargetResolver resolver,
        TimeSpan dnsRefreshInterval,
        TimeProvider timeProvider,
        ILogger<RawSocketPingEngine> logger)
        : base(resolver, dnsRefreshInterval, timeProvider, logger)
    {
    }

    public override string Name => EngineName;

    /// <summary>Whether this process may open a raw ICMP socket (root, or CAP_NET_RAW on the executable).</summary>
    public static bool CanOpenRawSocket(out SocketException? error) => IcmpSockets.CanOpen(out error);

    /// <exception cref="SocketException">The raw socket cannot be opened (no root, no CAP_NET_RAW).</exception>
    private protected override async Task PingAsync(IReadOnlyList<ProbeTarget> targets, TargetAddressBook addresses, ChannelWriter<PingSample> samples, CancellationToken cancellationToken)
    {
        // Opened before anything else, so a missing permission surfaces at once.
        using var sockets = IcmpSockets.Open(addresses.MayNeedIPv6, Logger);
        await WhileResolvingAsync(
            addresses,
            () => new RawPingLoop(targets, sockets, addresses, samples, Stats, TimeProvider, Logger).RunOnDedicatedThreadAsync(cancellationToken),
            cancellationToken);
    }
}
