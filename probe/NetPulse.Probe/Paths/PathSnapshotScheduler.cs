using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Paths;

/// <summary>
/// Takes path snapshots on the probe's own initiative (<c>Probe:Paths</c>) and hands the finished ones to the
/// <see cref="FinishedPathSnapshots"/>, which the batcher empties into its batches.
/// <list type="bullet">
/// <item>Trouble: the batcher calls <see cref="TroubleBegan"/> when a target turns from calm to troubled; one snapshot
/// follows unless the target had one within <c>TroubleCooldown</c>.</item>
/// <item>Baseline: uplinks and <c>BaselineTargets</c> every <c>BaselineInterval</c>, spread out (<see cref="BaselinePlan"/>).</item>
/// </list>
/// Snapshots run in the background, never on the batcher's or the engine's time: at most one per target and
/// <see cref="MaxAtOnce"/> in all at a time (trouble first), paced by <see cref="PathProber"/>'s rate limits. One that
/// cannot be taken logs one line and is not retried before the next trigger. Without a raw ICMP socket the scheduler is
/// off, said once at start.
/// </summary>
public sealed partial class PathSnapshotScheduler : BackgroundService
{
    /// <summary>Snapshots running at once; the rest wait their turn, trouble before baseline.</summary>
    public const int MaxAtOnce = 2;

    private readonly PathsOptions _options;
    private readonly LiveTargets _targets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IPathTracer _tracer;
    private readonly string? _unavailable;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastTrouble = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _busy = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<Request> _troubleWaiting = new();
    private readonly Queue<Request> _baselineWaiting = new();
    private readonly HashSet<Task> _runs = [];
    private int _running;
    private DateTimeOffset? _nextBaselineAt;

    public PathSnapshotScheduler(
        IOptions<ProbeOptions> options,
        FinishedPathSnapshots finished,
        LiveTargets targets,
        TargetResolver resolver,
        TimeProvider time,
        ILoggerFactory loggers)
        : this(
            options?.Value.Paths ?? throw new ArgumentNullException(nameof(options)),
            finished,
            targets,
            time,
            loggers?.CreateLogger<PathSnapshotScheduler>() ?? throw new ArgumentNullException(nameof(loggers)),
            new RawPathTracer(new PathProber(time, loggers.CreateLogger<PathProber>()), resolver, ProbeOptionsFor(options.Value.Paths)),
            RawSocketUnavailable())
    {
    }

    /// <param name="unavailable">Why snapshots cannot be taken here (no raw socket), or null when they can.</param>
    internal PathSnapshotScheduler(PathsOptions options, FinishedPathSnapshots finished, LiveTargets targets, TimeProvider time, ILogger logger, IPathTracer tracer, string? unavailable)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Finished = finished ?? throw new ArgumentNullException(nameof(finished));
        _targets = targets ?? throw new ArgumentNullException(nameof(targets));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _tracer = tracer ?? throw new ArgumentNullException(nameof(tracer));
        _unavailable = unavailable;
    }

    /// <summary>Finished snapshots waiting for a batch.</summary>
    public FinishedPathSnapshots Finished { get; }

    /// <summary>When the running scheduler wakes for the next baseline (its timer is set); null while it is awake or has none.</summary>
    internal DateTimeOffset? NextBaselineAt
    {
        get
        {
            lock (_gate)
            {
                return _nextBaselineAt;
            }
        }

        private set
        {
            lock (_gate)
            {
                _nextBaselineAt = value;
            }
        }
    }

    /// <summary>True when snapshots are taken: enabled, and a raw ICMP socket can be opened.</summary>
    public bool IsOn => _options.Enabled && _unavailable is null;

    /// <summary>How one snapshot is taken with <c>Probe:Paths</c>: its cycles, the prober's defaults for the rest.</summary>
    internal static PathProbeOptions ProbeOptionsFor(PathsOptions options) => new() { Cycles = options.Cycles };

    /// <summary>Null where this process may open a raw ICMP socket, else why not (as the ping engine's choice says it).</summary>
    internal static string? RawSocketUnavailable() =>
        RawSocketPingEngine.CanOpenRawSocket(out var error) ? null : $"a raw ICMP socket was refused ({IcmpPermissions.Describe(error)})";

    /// <summary>One line for <c>check-config</c> and <c>status</c>: whether snapshots are taken, when, and for which targets.</summary>
    public static string Describe(PathsOptions options, IReadOnlyList<ProbeTarget> targets, string? unavailable)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(targets);
        if (!options.Enabled)
        {
            return "  paths:   off (Probe:Paths:Enabled is false)";
        }

        if (unavailable is not null)
        {
            return $"  paths:   OFF: path snapshots need a raw ICMP socket and {unavailable}; grant CAP_NET_RAW (sudo setcap cap_net_raw+ep {IcmpPermissions.ExecutablePath()}) to have them";
        }

        var plan = new BaselinePlan(options.BaselineInterval, options.BaselineTargets);
        var baseline = targets.Where(plan.Wants).Select(t => t.Name).ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  paths:   {options.Cycles} cycles, on trouble (at most one per target per {options.TroubleCooldown:c}), baseline every {options.BaselineInterval:c} for {(baseline.Count == 0 ? "no target (no uplink, no Probe:Paths:BaselineTargets)" : string.Join(", ", baseline))}; at most {options.MaxPerBatch} per batch");
    }

    /// <summary>
    /// Trouble began on <paramref name="target"/>: starts (or queues) one snapshot unless one is running or waiting for
    /// it, or one was taken within the cooldown. Never waits.
    /// </summary>
    internal PathRequestOutcome TroubleBegan(ProbeTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!IsOn)
        {
            return PathRequestOutcome.Off;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_busy.Contains(target.Name))
            {
                return PathRequestOutcome.Busy;
            }

            DateTimeOffset? previous = _lastTrouble.TryGetValue(target.Name, out var last) ? last : null;
            if (previous is { } taken && now - taken < _options.TroubleCooldown)
            {
                return PathRequestOutcome.CoolingDown;
            }

            _lastTrouble[target.Name] = now;
            _busy.Add(target.Name);
            _troubleWaiting.Enqueue(new Request(target, PathSnapshotReason.Trouble, previous));
        }

        StartWaiting();
        return PathRequestOutcome.Started;
    }

    /// <summary>A baseline of <paramref name="target"/> is due: starts or queues it unless one of its snapshots is running or waiting.</summary>
    internal PathRequestOutcome BaselineDue(ProbeTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!IsOn)
        {
            return PathRequestOutcome.Off;
        }

        lock (_gate)
        {
            if (!_busy.Add(target.Name))
            {
                return PathRequestOutcome.Busy;
            }

            _baselineWaiting.Enqueue(new Request(target, PathSnapshotReason.Baseline, null));
        }

        StartWaiting();
        return PathRequestOutcome.Started;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Snapshots still running are given up: not yet in a batch, they would be lost at the stop anyway.
        await _stop.CancelAsync();
        await base.StopAsync(cancellationToken);
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }

        await Task.WhenAll(runs).WaitAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stop.Dispose();
        base.Dispose();
    }

    /// <summary>Says once, at start, whether snapshots are taken (and if not, why and how to have them).</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            LogOff("Probe:Paths:Enabled is false");
        }
        else if (_unavailable is not null)
        {
            LogNoRawSocket(_unavailable, IcmpPermissions.ExecutablePath());
        }
        else
        {
            var plan = new BaselinePlan(_options.BaselineInterval, _options.BaselineTargets);
            LogOn(_options.Cycles, _options.TroubleCooldown, _options.BaselineInterval, _targets.Current.Targets.Count(plan.Wants));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsOn)
        {
            return;
        }

        var plan = new BaselinePlan(_options.BaselineInterval, _options.BaselineTargets);
        var set = _targets.Current;
        try
        {
            while (true)
            {
                set = _targets.Current;
                foreach (var target in plan.Due(set.Targets, _time.GetUtcNow()))
                {
                    BaselineDue(target);
                }

                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var changed = _targets.WaitForChangeAsync(set, wake.Token);
                var delay = plan.NextAt is { } at ? at - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
                var due = Task.Delay(delay == Timeout.InfiniteTimeSpan || delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, wake.Token);
                NextBaselineAt = plan.NextAt;
                await Task.WhenAny(changed, due);
                NextBaselineAt = null;
                await wake.CancelAsync();
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void StartWaiting()
    {
        var start = new List<Request>();
        lock (_gate)
        {
            while (_running < MaxAtOnce && (_troubleWaiting.TryDequeue(out var request) || _baselineWaiting.TryDequeue(out request)))
            {
                _running++;
                start.Add(request);
            }
        }

        foreach (var request in start)
        {
            // On the thread pool: the caller (the batcher) must not run even the tracer's first synchronous steps.
            var run = Task.Run(() => RunAsync(request));
            lock (_gate)
            {
                if (!run.IsCompleted)
                {
                    _runs.Add(run);
                }
            }

            _ = run.ContinueWith(
                done =>
                {
                    lock (_gate)
                    {
                        _runs.Remove(done);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task RunAsync(Request request)
    {
        var name = request.Target.Name;
        try
        {
            var snapshot = await _tracer.TraceAsync(request.Target, _stop.Token);
            Finished.Add(snapshot with { Reason = request.Reason });
            LogTaken(request.Reason, name, snapshot.Hops.Count, snapshot.ReachedDestination);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            // Whatever went wrong is said once and the probe pings on: a snapshot is evidence, never a reason to stop.
            LogFailed(request.Reason, name, e.Message);
            if (request.Reason == PathSnapshotReason.Trouble)
            {
                // Not taken, so no cooldown: the next trigger tries again.
                lock (_gate)
                {
                    if (request.PreviousTrouble is { } previous)
                    {
                        _lastTrouble[name] = previous;
                    }
                    else
                    {
                        _lastTrouble.Remove(name);
                    }
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                _busy.Remove(name);
            }

            StartWaiting();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Path snapshots are off: {Why}")]
    private partial void LogOff(string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Path snapshots are off: they need a raw ICMP socket and {Why}. Pinging goes on; to have snapshots grant the capability: sudo setcap cap_net_raw+ep {Executable}, or AmbientCapabilities=CAP_NET_RAW in the systemd unit")]
    private partial void LogNoRawSocket(string why, string executable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Path snapshots: {Cycles} cycles, when trouble begins on a target (at most one per target per {Cooldown}) and a baseline every {Interval} for {Baseline} targets")]
    private partial void LogOn(int cycles, TimeSpan cooldown, TimeSpan interval, int baseline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Path snapshot ({Reason}) of {Target} taken: {Hops} hops, destination reached {Reached}")]
    private partial void LogTaken(PathSnapshotReason reason, string target, int hops, bool reached);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Path snapshot ({Reason}) of {Target} not taken: {Problem}")]
    private partial void LogFailed(PathSnapshotReason reason, string target, string problem);

    private sealed record Request(ProbeTarget Target, PathSnapshotReason Reason, DateTimeOffset? PreviousTrouble);
}

/// <summary>What became of a request for a snapshot.</summary>
internal enum PathRequestOutcome
{
    /// <summary>Started, or waiting for a free slot.</summary>
    Started,

    /// <summary>A snapshot of the target is running or waiting already.</summary>
    Busy,

    /// <summary>A trouble snapshot of the target was taken within the cooldown.</summary>
    CoolingDown,

    /// <summary>Snapshots are off (disabled, or no raw socket).</summary>
    Off,
}
