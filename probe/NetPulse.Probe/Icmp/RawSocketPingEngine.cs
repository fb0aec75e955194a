using System.Diagnostics;
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
public sealed class RawSocketPingEngine : IPingEngine
{
    public const string EngineName = "raw-socket";

    private readonly TargetResolver _resolver;
    private readonly TimeSpan _dnsRefreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RawSocketPingEngine> _logger;
    private int _running;

    /// <param name="timeProvider">Anchors the schedule in UTC (<see cref="PingSample.ScheduledAt"/>) and paces DNS
    /// refreshes; the loop itself measures with <see cref="Stopwatch"/>, since it waits in real system calls.</param>
    public RawSocketPingEngine(
        TargetResolver resolver,
        TimeSpan dnsRefreshInterval,
        TimeProvider timeProvider,
        ILogger<RawSocketPingEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _resolver = resolver;
        _dnsRefreshInterval = dnsRefreshInterval;
        _timeProvider = timeProvider;
        _logger = logger;
        Stats = new PingEngineStats(Stopwatch.GetTimestamp, Stopwatch.Frequency);
    }

    public string Name => EngineName;

    public PingEngineStats Stats { get; }

    /// <summary>Whether this process may open a raw ICMP socket (root, or CAP_NET_RAW on the executable).</summary>
    public static bool CanOpenRawSocket(out SocketException? error) => IcmpSockets.CanOpen(out error);

    /// <exception cref="SocketException">The raw socket cannot be opened (no root, no CAP_NET_RAW).</exception>
    /// <exception cref="OperationCanceledException">Always, once <paramref name="cancellationToken"/> fires; rounds still in flight then produce no sample.</exception>
    public async Task RunAsync(IReadOnlyList<ProbeTarget> targets, ChannelWriter<PingSample> samples, CancellationToken cancellationToken)
    {
        EngineRules.CheckTargets(targets);
        ArgumentNullException.ThrowIfNull(samples);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This ping engine is already running.");
        }

        try
        {
            if (targets.Count == 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return;
            }

            var addresses = new TargetAddressBook(targets, _resolver, _dnsRefreshInterval, _timeProvider, _logger);

            // Opened before anything else, so a missing permission surfaces at once.
            using var sockets = IcmpSockets.Open(addresses.MayNeedIPv6, _logger);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var refresh = addresses.RunAsync(stopping.Token);
            try
            {
                await addresses.WaitForFirstPassAsync(EngineRules.InitialResolveWait, cancellationToken);
                var loop = new RawPingLoop(targets, sockets, addresses, samples, Stats, _timeProvider, _logger);
                await loop.RunOnDedicatedThreadAsync(cancellationToken);
            }
            finally
            {
                await stopping.CancelAsync();
                await refresh;
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
