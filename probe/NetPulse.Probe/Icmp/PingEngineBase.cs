using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// What both engines do around their ping loop, once: check the targets, allow one run at a time, idle on an
/// empty list, and keep the targets' addresses resolved (waiting a little for the first pass) while the loop runs.
/// </summary>
public abstract class PingEngineBase : IPingEngine
{
    private readonly TargetResolver _resolver;
    private readonly TimeSpan _dnsRefreshInterval;
    private int _running;

    /// <param name="timeProvider">Anchors the schedule in UTC (<see cref="PingSample.ScheduledAt"/>), again when its wall
    /// clock steps against its monotonic one (<see cref="WallClockAnchor"/>), and paces DNS refreshes; the loops themselves
    /// measure with <see cref="Stopwatch"/>, since they wait in real time.</param>
    private protected PingEngineBase(TargetResolver resolver, TimeSpan dnsRefreshInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _resolver = resolver;
        _dnsRefreshInterval = dnsRefreshInterval;
        TimeProvider = timeProvider;
        Logger = logger;
        Stats = new PingEngineStats(Stopwatch.GetTimestamp, Stopwatch.Frequency);
    }

    public abstract string Name { get; }

    public PingEngineStats Stats { get; }

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger { get; }

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

            var addresses = new TargetAddressBook(targets, _resolver, _dnsRefreshInterval, TimeProvider, Logger);
            await PingAsync(targets, addresses, samples, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// The engine's own run over a non-empty target list. It calls <see cref="WhileResolvingAsync"/> around its
    /// loop, after opening what must fail at once (a socket it has no permission for).
    /// </summary>
    private protected abstract Task PingAsync(IReadOnlyList<ProbeTarget> targets, TargetAddressBook addresses, ChannelWriter<PingSample> samples, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="loop"/> once the first DNS pass is done (or <see cref="EngineRules.InitialResolveWait"/>
    /// has passed), with the addresses refreshed in the background until it ends.
    /// </summary>
    private protected static async Task WhileResolvingAsync(TargetAddressBook addresses, Func<Task> loop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(loop);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var refresh = addresses.RunAsync(stopping.Token);
        try
        {
            await addresses.WaitForFirstPassAsync(EngineRules.InitialResolveWait, cancellationToken);
            await loop();
        }
        finally
        {
            await stopping.CancelAsync();
            await refresh;
        }
    }
}
