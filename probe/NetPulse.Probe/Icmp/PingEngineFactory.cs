using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Icmp;

/// <summary>Which ping engine to use (<c>Probe:Icmp:Engine</c>).</summary>
public enum PingEngineChoice
{
    /// <summary>The raw-socket engine where this process may open a raw ICMP socket, else the datagram-socket engine where it may open an ICMP datagram socket, else the <c>Ping</c> class.</summary>
    Auto,

    /// <summary>Always the raw-socket engine (root or CAP_NET_RAW).</summary>
    RawSocket,

    /// <summary>Always the datagram-socket engine (64-bit Linux, the process's group inside <c>net.ipv4.ping_group_range</c>).</summary>
    DatagramSocket,

    /// <summary>Always the <c>System.Net.NetworkInformation.Ping</c> engine.</summary>
    PingClass,
}

/// <summary>
/// Picks the ping engine: in order, a raw socket, an unprivileged ICMP datagram socket, the <c>Ping</c> class, with
/// one warning that says which path is in use, why, and how to get the fast one. When none can work, or the
/// configured one cannot, it throws an <see cref="IcmpUnavailableException"/> that says what to add.
/// </summary>
public sealed class PingEngineFactory
{
    private readonly TargetResolver _resolver;
    private readonly TimeSpan _dnsRefreshInterval;
    private readonly PingEngineChoice _configured;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<PingEngineFactory> _logger;
    private int _choiceLogged;

    public PingEngineFactory(
        TargetResolver resolver,
        IOptions<ProbeOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _resolver = resolver;
        var minutes = options.Value.DnsRefreshMinutes;
        _dnsRefreshInterval = minutes > 0 && double.IsFinite(minutes) ? TimeSpan.FromMinutes(minutes) : TimeSpan.FromMinutes(5);

        // The validator has refused anything else at start; an unvalidated bad value (a test) means the default.
        _configured = TryParse(options.Value.Icmp?.Engine, out var configured) ? configured : PingEngineChoice.Auto;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PingEngineFactory>();
    }

    /// <summary>Reads a <c>Probe:Icmp:Engine</c> value (<see cref="IcmpOptions.Engines"/>, any case).</summary>
    public static bool TryParse(string? value, out PingEngineChoice choice)
    {
        choice = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or IcmpOptions.AutoEngine => PingEngineChoice.Auto,
            IcmpOptions.RawEngine => PingEngineChoice.RawSocket,
            IcmpOptions.DatagramEngine => PingEngineChoice.DatagramSocket,
            IcmpOptions.PingClassEngine => PingEngineChoice.PingClass,
            _ => (PingEngineChoice)(-1),
        };
        return Enum.IsDefined(choice);
    }

    /// <summary>A new engine; each can run one target list at a time.</summary>
    /// <param name="choice">The path to use; null for the configured one (<c>Probe:Icmp:Engine</c>, auto by default).</param>
    /// <exception cref="IcmpUnavailableException">No path works, or the chosen one cannot work for this process.</exception>
    public IPingEngine Create(PingEngineChoice? choice = null)
    {
        var chosen = choice ?? _configured;
        var rawAllowed = RawSocketPingEngine.CanOpenRawSocket(out var rawError);
        // No default arm: a new choice is a build error here (CS8509) until it makes its engine.
        return chosen switch
        {
            PingEngineChoice.RawSocket => rawAllowed
                ? CreateRawSocket()
                : throw Unavailable(IcmpOptions.RawEngine, $"this process may not open a raw ICMP socket ({IcmpPermissions.Describe(rawError)}): run it as root or grant CAP_NET_RAW"),
            PingEngineChoice.DatagramSocket => DatagramSocketPingEngine.CanOpenDatagramSocket(out var datagramError)
                ? CreateDatagramSocket()
                : throw Unavailable(IcmpOptions.DatagramEngine, $"this process may not open an ICMP datagram socket ({IcmpPermissions.Describe(datagramError)}; {IcmpPermissions.DescribeRange()}): open {IcmpPermissions.RangeSetting} to its group"),
            PingEngineChoice.PingClass => IcmpPermissions.PingClassCanWork(rawAllowed)
                ? CreatePingClass()
                : throw Unavailable(IcmpOptions.PingClassEngine, "without a raw ICMP socket (CAP_NET_RAW) the Ping class runs the ping utility, and none was found in /bin, /sbin or /usr/bin"),
            PingEngineChoice.Auto => ChooseAutomatically(rawAllowed, rawError),
        };
    }

    private IPingEngine ChooseAutomatically(bool rawAllowed, SocketException? rawError)
    {
        var firstTime = Interlocked.Exchange(ref _choiceLogged, 1) == 0;
        if (rawAllowed)
        {
            if (firstTime)
            {
                _logger.LogInformation("ICMP path: a raw socket (this process has root or CAP_NET_RAW)");
            }

            return CreateRawSocket();
        }

        var refused = IcmpPermissions.Describe(rawError);
        if (DatagramSocketPingEngine.CanOpenDatagramSocket(out var datagramError))
        {
            if (firstTime)
            {
                _logger.LogWarning(
                    "ICMP path: an unprivileged ICMP datagram socket, because a raw ICMP socket was refused ({Error}) and {Range}. " +
                    "Samples and round-trip times are as precise as the raw path's; to use the raw path instead grant the capability: " +
                    "sudo setcap cap_net_raw+ep {Executable}, or AmbientCapabilities=CAP_NET_RAW in the systemd unit",
                    refused,
                    IcmpPermissions.DescribeRange(),
                    IcmpPermissions.ExecutablePath());
            }

            return CreateDatagramSocket();
        }

        if (IcmpPermissions.PingClassCanWork(rawSocket: false))
        {
            if (firstTime)
            {
                _logger.LogWarning(
                    "ICMP path: System.Net.NetworkInformation.Ping, because a raw ICMP socket was refused ({Error}) and so was an ICMP datagram socket ({DatagramError}; {Range}). " +
                    "It costs several times the CPU (without privileges it starts {PingUtility} for every request) and reports whole milliseconds. " +
                    "For the fast path grant the capability: sudo setcap cap_net_raw+ep {Executable}, or AmbientCapabilities=CAP_NET_RAW in the systemd unit; " +
                    "or open " + IcmpPermissions.RangeSetting + " to the probe's group for the datagram path",
                    refused,
                    IcmpPermissions.Describe(datagramError),
                    IcmpPermissions.DescribeRange(),
                    IcmpPermissions.FindPingUtility(),
                    IcmpPermissions.ExecutablePath());
            }

            return CreatePingClass();
        }

        throw new IcmpUnavailableException(
            $"cannot ping: this process may not open a raw ICMP socket ({refused}; needs root or CAP_NET_RAW), " +
            $"nor an ICMP datagram socket ({IcmpPermissions.Describe(datagramError)}; {IcmpPermissions.DescribeRange()}), " +
            "and System.Net.NetworkInformation.Ping has no ping utility to run (none in /bin, /sbin or /usr/bin). " +
            $"Add one of: the capability CAP_NET_RAW (sudo setcap cap_net_raw+ep {IcmpPermissions.ExecutablePath()}; AmbientCapabilities=CAP_NET_RAW in the systemd unit; " +
            $"--cap-add NET_RAW for a container), or the probe's group in {IcmpPermissions.RangeSetting} " +
            $"(sysctl -w {IcmpPermissions.RangeSetting}=\"0 2147483647\"; --sysctl {IcmpPermissions.RangeSetting}=\"0 2147483647\" for a container)");
    }

    private static IcmpUnavailableException Unavailable(string engine, string why) =>
        new($"cannot ping: Probe:Icmp:Engine is '{engine}' but {why}; or set Probe:Icmp:Engine to '{IcmpOptions.AutoEngine}' to use the first path that works (needs CAP_NET_RAW, or the group in {IcmpPermissions.RangeSetting}, or a ping utility)");

    private RawSocketPingEngine CreateRawSocket() =>
        new(_resolver, _dnsRefreshInterval, _timeProvider, _loggerFactory.CreateLogger<RawSocketPingEngine>());

    private DatagramSocketPingEngine CreateDatagramSocket() =>
        new(_resolver, _dnsRefreshInterval, _timeProvider, _loggerFactory.CreateLogger<DatagramSocketPingEngine>());

    private PingClassPingEngine CreatePingClass() =>
        new(_resolver, _dnsRefreshInterval, _timeProvider, _loggerFactory.CreateLogger<PingClassPingEngine>());
}
