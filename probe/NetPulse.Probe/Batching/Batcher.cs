using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Batching;

/// <summary>
/// Reads the engine's samples from the <see cref="SampleChannel"/> and closes a batch when the
/// <see cref="BatchCadence"/> says it is due (every calm window while all targets are calm, at once when one
/// changes, then short windows until calm again), or earlier when the next sample would make the message too
/// big or break a contract rule, or comes from after a step of the wall clock (another
/// <see cref="PingSample.ClockEpoch"/>: see <see cref="OpenBatch"/>), and hands each closed batch to the
/// <see cref="BatchSpool"/>, which numbers it. Never waits on the network. On stop it completes the
/// channel, drains it and spools the open batch.
/// <para>With a <see cref="PathSnapshotScheduler"/> it tells it when trouble begins on a target (the cadence sees it
/// first) and takes finished path snapshots into the open batch, oldest first, as many as fit; a trouble snapshot
/// makes the open batch due at once, so it never waits for a calm window.</para>
/// </summary>
public sealed partial class Batcher : BackgroundService
{
    private readonly SampleChannel _samples;
    private readonly BatchSpool _spool;
    private readonly LiveTargets _targets;
    private readonly BatchingOptions _batching;
    private readonly string _probeId;
    private readonly ProbeStatusReporter? _status;
    private readonly PathSnapshotScheduler? _paths;
    private readonly CalmBatches? _calm;
    private readonly CalmTicks? _calmTicks;
    private readonly int _maxPaths;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TargetSet _set;
    private BatchLayout _layout;
    private OpenBatch _open;
    private BatchCadence? _cadence;
    private bool _pathsWaitForClose;
    private int _unusableSamples;
    private string? _lastUnusableReason;

    public Batcher(
        SampleChannel samples,
        BatchSpool spool,
        LiveTargets targets,
        IOptions<ProbeOptions> options,
        TimeProvider time,
        ILogger<Batcher> logger,
        ProbeStatusReporter? status = null,
        PathSnapshotScheduler? paths = null,
        CalmBatches? calm = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _samples = samples ?? throw new ArgumentNullException(nameof(samples));
        _spool = spool ?? throw new ArgumentNullException(nameof(spool));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _targets = targets ?? throw new ArgumentNullException(nameof(targets));
        _batching = options.Value.Batching;
        _status = status;
        _paths = paths;
        _calm = calm;
        _calmTicks = calm is not null && CalmTicks.Apply(_batching.CalmWindow)
            ? new CalmTicks(_batching.CalmWindow, _batching.CalmLead, BackendOffset)
            : null;
        _maxPaths = Math.Clamp(options.Value.Paths.MaxPerBatch, 1, PingBatchRules.MaxPathsPerBatch);
        _probeId = options.Value.Id ?? Environment.MachineName;
        _set = targets.Current;

        // Checks the windows now, so a bad setting fails at construction rather than at the first run.
        _ = new BatchCadence(_batching, _set.Targets, DateTimeOffset.UnixEpoch);
        _layout = new BatchLayout(_probeId, _set.Targets, _batching.WireVersion, withStatus: _status is not null);
        _open = new OpenBatch(_layout, _maxPaths);
    }

    /// <summary>
    /// How far this machine's clock is ahead of the backend's, for the calm grid: only an offset of 2 s or more counts,
    /// since the backend's Date header is whole seconds and a clock kept by NTP is closer than that.
    /// </summary>
    private TimeSpan BackendOffset() =>
        _status?.ClockOffsetMs is { } ms && Math.Abs(ms) >= 2000 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;

    /// <summary>The probe id every batch carries.</summary>
    public string ProbeId => _layout.ProbeId;

    /// <summary>How long the batcher lets samples gather between drains of the channel.</summary>
    internal static readonly TimeSpan DrainPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Batches until <paramref name="cancellationToken"/> fires or the engine completes the channel,
    /// then flushes. The hosted service runs this; a test or another host may call it directly.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _samples.Reader;
        _cadence = new BatchCadence(_batching, _set.Targets, _time.GetUtcNow(), _calmTicks);
        var wake = new CloseWake(_time);
        Task<bool>? readable = null;
        Task? pathArrived = null;
        try
        {
            while (true)
            {
                TakeFinishedPaths();
                var now = _time.GetUtcNow();
                var dueAt = _cadence.NextClose;
                if (now >= dueAt)
                {
                    // What the engine wrote up to now belongs to this batch.
                    var calmTick = _cadence.CalmTick;
                    await DrainAsync(int.MaxValue);
                    await CloseAllAsync(calmTick);

                    // Windows keep to their schedule, as a periodic timer's ticks do, unless the batcher ran
                    // late (a stalled machine): then the next window starts now, rather than a burst of
                    // catch-up closes.
                    _cadence.Closed(now - dueAt <= BatchCadence.MinUrgentGap ? dueAt : now);
                    continue;
                }

                var due = wake.At(_cadence.NextClose, cancellationToken);
                readable ??= reader.WaitToReadAsync(cancellationToken).AsTask();

                // The close comes first when both are ready, so a busy channel cannot starve it.
                pathArrived ??= _paths?.Finished.WaitForArrivalAsync(cancellationToken);
                var ready = pathArrived is null ? await Task.WhenAny(due, readable) : await Task.WhenAny(due, readable, pathArrived);
                if (ready == due)
                {
                    await ready;
                    continue;
                }

                if (ready == pathArrived)
                {
                    await ready;
                    pathArrived = null;
                    continue; // taken at the top of the loop
                }

                readable = null;
                if (!await (Task<bool>)ready)
                {
                    break; // the engine completed the channel: nothing more will come
                }

                // Bounded, so that a due close is seen even while samples pour in.
                await DrainAsync(4096);
                if (_time.GetUtcNow() >= _cadence.NextClose)
                {
                    continue; // a change: close at once, without the pause
                }

                // Samples trickle in all through the second (targets are phased), and waking for each one
                // costs a thread-pool wake-up per ping: measured, that was most of the probe's CPU at 1,000
                // targets. Pausing between drains lets them gather. This is wall time on purpose: it changes
                // when samples are read (and so which rounds an urgent close takes with it), never when windows
                // end, so tests need not drive it; a change waits for it at most 100 ms.
                var pause = Task.Delay(DrainPause, TimeProvider.System, cancellationToken);
                if (await Task.WhenAny(due, pause) == pause)
                {
                    await pause;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: flush below.
        }
        finally
        {
            wake.Dispose();
        }

        _samples.Writer.TryComplete();
        await DrainAsync(int.MaxValue);
        await CloseAllAsync();
        LogStopped(_spool.NextSequence);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    private async Task DrainAsync(int limit)
    {
        for (var taken = 0; taken < limit && _samples.Reader.TryRead(out var sample); taken++)
        {
            await AddAsync(sample);
        }
    }

    private async Task AddAsync(PingSample sample)
    {
        if (sample.TargetGeneration != _set.Generation && !await SwitchToAsync(sample.TargetGeneration))
        {
            CountUnusable($"it belongs to target list {sample.TargetGeneration}, which has been replaced");
            return;
        }

        if (PendingSample.TryCreate(sample, out var pending) is { } problem)
        {
            CountUnusable(problem);
            return;
        }

        var troubleBegan = false;
        if (_cadence?.Observe(pending.TargetIndex, pending.Value, _time.GetUtcNow(), out troubleBegan) == true)
        {
            LogChange(pending.TargetIndex, SampleValue.Status(pending.Value));
        }

        if (troubleBegan && _paths is not null && FindTarget(pending.TargetIndex) is { } troubled)
        {
            // Never waits: the snapshot runs in the background and comes back through the queue.
            _paths.TroubleBegan(troubled);
        }

        while (true)
        {
            switch (_open.TryAdd(pending))
            {
                case AddOutcome.Added:
                    return;
                case AddOutcome.UnknownTarget:
                    CountUnusable($"target index {sample.TargetIndex} is not a configured target");
                    return;
                default:
                    await CloseOneAsync();
                    break;
            }
        }
    }

    /// <summary>
    /// The target with this index in the current list. A loop rather than FirstOrDefault with a lambda in
    /// <see cref="AddAsync"/>: that lambda captured the sample, so its closure was allocated for every sample (measured:
    /// ~6% of the probe's allocations at 1,000 targets), not only when trouble began.
    /// </summary>
    private ProbeTarget? FindTarget(int index)
    {
        var targets = _set.Targets;
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i].Index == index)
            {
                return targets[i];
            }
        }

        return null;
    }

    /// <summary>
    /// The first sample of a newer target list: the open batch (all of the old list) closes, and batches carry the new
    /// list's targets from here on. The cadence starts afresh, as at a start: the backend should soon see the new list.
    /// </summary>
    /// <returns>False when <paramref name="generation"/> is older than the running list or no longer known.</returns>
    private async Task<bool> SwitchToAsync(int generation)
    {
        if (generation < _set.Generation || !_targets.TryGet(generation, out var set))
        {
            return false;
        }

        await CloseAllAsync();
        var waitingPaths = _open.Paths;
        _set = set;
        _layout = new BatchLayout(_probeId, set.Targets, _batching.WireVersion, withStatus: _status is not null);
        _open = new OpenBatch(_layout, _maxPaths);

        // Snapshots that had no sample to ride with yet move to the new list's batch (they fitted an empty one before).
        foreach (var path in waitingPaths)
        {
            if (_open.TryAddPath(path) != PathAddOutcome.Added)
            {
                LogPathDropped(path.Target, "it no longer fits a batch of the new target list");
            }
        }

        _cadence = new BatchCadence(_batching, set.Targets, _time.GetUtcNow(), _calmTicks);
        _pathsWaitForClose = false;
        TakeFinishedPaths();
        LogSwitched(generation, set.Targets.Count);
        return true;
    }

    /// <summary>
    /// Moves finished path snapshots into the open batch, oldest first, while it has room; the rest wait for the next
    /// batch. A trouble snapshot among them makes the open batch due now.
    /// </summary>
    private void TakeFinishedPaths()
    {
        if (_paths is null || _pathsWaitForClose)
        {
            return;
        }

        var hasten = false;
        while (_paths.Finished.TryPeek(out var snapshot))
        {
            var outcome = _open.TryAddPath(snapshot);
            if (outcome == PathAddOutcome.Full)
            {
                // Samples only fill a batch further: measuring it again before it closes would be wasted work.
                _pathsWaitForClose = true;
                break;
            }

            _paths.Finished.TryTake(out _);
            switch (outcome)
            {
                case PathAddOutcome.Added:
                    hasten |= snapshot.Reason == PathSnapshotReason.Trouble;
                    break;
                case PathAddOutcome.TooBig:
                    LogPathDropped(snapshot.Target, "it is too big for any batch message");
                    break;
                case PathAddOutcome.Invalid:
                    LogPathDropped(snapshot.Target, snapshot.Problems().Select(p => $"{p.Field} {p.Problem}").First());
                    break;
            }
        }

        if (_paths.Finished.TakeDroppedCount() is > 0 and var dropped)
        {
            LogPathsOverflowed(dropped);
        }

        if (hasten)
        {
            _cadence?.Hasten(_time.GetUtcNow());
        }
    }

    /// <param name="calmTick">The backend tick a calm close on the grid aims at (<see cref="BatchCadence.CalmTick"/>); null for any other close.</param>
    private async Task CloseAllAsync(DateTimeOffset? calmTick = null)
    {
        while (!_open.IsEmpty)
        {
            await CloseOneAsync(calmTick);
        }

        ReportUnusable();
    }

    /// <summary>Closes the open batch (or, should it not fit after all, its largest prefix that does) into the spool.</summary>
    private async Task CloseOneAsync(DateTimeOffset? calmTick = null)
    {
        var open = _open;
        var sequence = _spool.NextSequence;
        ClosedBatch closed;
        try
        {
            closed = open.Close(sequence, _status?.Current());
        }
        catch (InvalidPingBatchException ex)
        {
            // A bug, not an input: the open batch refuses what the contract forbids. Say it loudly and go on.
            LogUnsendable(ex, open.Count, ex.Message);
            open.RemoveFirst(open.Count, open.PathCount);
            _pathsWaitForClose = false;
            return;
        }

        try
        {
            // Not cancellable: a stop must still get the batch onto the disk.
            // Noted first: the sender may read the batch the moment the spool has it.
            if (calmTick is { } tick)
            {
                _calm?.Note(sequence, tick);
            }

            await _spool.AddAsync(closed.Spooled, CancellationToken.None);
            LogClosed(sequence, closed.TargetCount, closed.Taken, closed.PathsTaken, closed.Spooled.Body.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or failing disk: keeping the samples in memory would only grow until it ends the probe.
            LogSpoolFailed(ex, sequence, closed.Taken, _spool.Path);
        }

        open.RemoveFirst(closed.Taken, closed.PathsTaken);
        _pathsWaitForClose = false;
    }

    private void CountUnusable(string reason)
    {
        _unusableSamples++;
        _lastUnusableReason = reason;
    }

    private void ReportUnusable()
    {
        if (_unusableSamples > 0)
        {
            LogUnusable(_unusableSamples, _lastUnusableReason);
            _unusableSamples = 0;
            _lastUnusableReason = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Target {TargetIndex} changed ({Status}): the open batch closes now")]
    private partial void LogChange(int targetIndex, PingStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batches now carry target list {Generation} ({Targets} targets); the open batch of the previous list closed")]
    private partial void LogSwitched(int generation, int targets);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {Sequence} spooled: {Targets} targets, {Samples} samples, {Paths} path snapshots, {Bytes} bytes")]
    private partial void LogClosed(long sequence, int targets, int samples, int paths, int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped the path snapshot of {Target}: {Reason}")]
    private partial void LogPathDropped(string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the {Count} oldest path snapshots unsent: more finished than batches could take")]
    private partial void LogPathsOverflowed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} samples from the engine that no batch can carry; the last because {Reason}")]
    private partial void LogUnusable(int count, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped {Count} samples: their batch breaks the wire contract ({Reason})")]
    private partial void LogUnsendable(Exception exception, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write batch {Sequence} ({Samples} samples) to the spool in {Path}; those samples are lost")]
    private partial void LogSpoolFailed(Exception exception, long sequence, int samples, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batcher stopped; the next batch will be {Sequence}")]
    private partial void LogStopped(long sequence);

    /// <summary>
    /// One timer task for the time the open batch is due, made again only when that time moves (a close, a
    /// change), so the batcher's 100 ms drain loop does not leave a pending timer behind at every turn.
    /// </summary>
    private sealed class CloseWake(TimeProvider time) : IDisposable
    {
        private CancellationTokenSource? _cancel;
        private DateTimeOffset _at;
        private Task? _task;

        public Task At(DateTimeOffset at, CancellationToken cancellationToken)
        {
            if (_task is not null && at == _at && !_task.IsCompleted)
            {
                return _task;
            }

            Dispose();
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _at = at;
            var delay = at - time.GetUtcNow();
            _task = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time, _cancel.Token);
            return _task;
        }

        public void Dispose()
        {
            _cancel?.Cancel();
            _cancel?.Dispose();
            _cancel = null;
            _task = null;
        }
    }
}
