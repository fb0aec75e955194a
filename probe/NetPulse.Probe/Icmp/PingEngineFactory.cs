using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Icmp;

/// <summary>Which ping engine to use.</summary>
public enum PingEngineChoice
{
    /// <summary>The raw-socket engine where this process may open a raw ICMP socket, else the <c>Ping</c> class.</summary>
    Auto,

    /// <summary>Always the raw-socket engine (its run fails without root or CAP_NET_RAW).</summary>
    RawSocket,

    /// <summary>Always the <c>System.Net.NetworkInformation.Ping</c> engine.</summary>
    PingClass,
}

/// <summary>
/// Picks the ping engine: the raw-socket fast path when a raw ICMP socket opens, the <c>Ping</c> class
/// otherwise, with one warning that says how to get the fast path.
/// </summary>
public sealed class PingEngineFactory
{
    private readonly TargetResolver _resolver;
    private readonly TimeSpan _dnsRefreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<PingEngineFactory> _logger;
    private int _fallbackWarned;

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
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PingEngineFactory>();
    }

    /// <summary>A new engine; each can run one target list at a time.</summary>
    public IPingEngine Create(PingEngineChoice choice = PingEngineChoice.Auto)
    {
        switch (choice)
        {
            case PingEngineChoice.RawSocket:
                return CreateRawSocket();
            case PingEngineChoice.PingClass:
                return CreatePingClass();
            case PingEngineChoice.Auto:
                if (RawSocketPingEngine.CanOpenRawSocket(out var error))
                {
                    return CreateRawSocket();
                }

                if (Interlocked.Exchange(ref _fallbackWarned, 1) == 0)
                {
                    _logger.LogWarning(
                        "Cannot open a raw ICMP socket ({Error}), so pings go through System.Net.NetworkInformation.Ping, " +
                        "which costs several times the CPU (without privileges it starts /usr/bin/ping for every request). " +
                        "For the fast path grant the capability: sudo setcap cap_net_raw+ep {Executable}, " +
                        "or set AmbientCapabilities=CAP_NET_RAW in the systemd unit",
                        error?.SocketErrorCode.ToString() ?? "unknown error",
                        ExecutablePath());
                }

                return CreatePingClass();
            default:
                throw new ArgumentOutOfRangeException(nameof(choice), choice, "Unknown ping engine choice.");
        }
    }

    private RawSocketPingEngine CreateRawSocket() =>
        new(_resolver, _dnsRefreshInterval, _timeProvider, _loggerFactory.CreateLogger<RawSocketPingEngine>());

    private PingClassPingEngine CreatePingClass() =>
        new(_resolver, _dnsRefreshInterval, _timeProvider, _loggerFactory.CreateLogger<PingClassPingEngine>());

    /// <summary>The file to give the capability: the probe's own executable, not a shared <c>dotnet</c> host.</summary>
    private static string ExecutablePath()
    {
        var path = Environment.ProcessPath;
        return path is null || Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? Path.Combine(AppContext.BaseDirectory, "netpulse-probe")
            : path;
    }
}
