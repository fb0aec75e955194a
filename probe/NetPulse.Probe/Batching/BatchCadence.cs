using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Batching;

/// <summary>
/// When the open batch closes. The probe knows first when a target changes, so it decides how fresh the
/// backend's view is: calm batches are rare (each costs queue operations, a Table write and a billed second of
/// a Functions instance) and a change goes out at once.
/// <list type="bullet">
/// <item>Calm: every target's last round succeeded under its latency threshold and its recent loss is under its
/// loss threshold, and has been for <see cref="BatchingOptions.CalmAfter"/>. The batch closes every
/// <see cref="BatchingOptions.CalmWindow"/>.</item>
/// <item>A change closes the open batch at once: a failed round after a reply (or as a target's first round), a
/// reply after failures, a reply over the latency threshold after one under it, the loss over the target's
/// last <see cref="LossWindowRounds"/> rounds reaching its threshold; and the rounds on which the backend's
/// default rules open and resolve a down incident (the failure in a row at which a clean line's down rule or its
/// lossy-line cap decides, see <see cref="DownDecidingRuns"/>; the <see cref="UpAfterGoodRounds"/>th reply after
/// failures), so the round that decides an alert never waits for the end of a window.</item>
/// <item>Unsettled (a change or an unhealthy round less than <see cref="BatchingOptions.CalmAfter"/> ago, or the
/// probe has just started): the batch closes every <see cref="BatchingOptions.UrgentWindow"/>.</item>
/// <item>Calm windows of whole minutes close on the backend's minute grid (<see cref="CalmTicks"/>): <see cref="BatchingOptions.CalmLead"/>
/// before the minute at which the backend takes calm batches; the first calm window after a change is half to one and a
/// half windows long, the rest exactly one.</item>
/// <item>Changes close at most one batch per <see cref="MinUrgentGap"/>: a burst (a hundred targets going down
/// behind one switch) lands in one or two batches, not a hundred.</item>
/// </list>
/// Pure: fed each sample and the time, it answers when the open batch is due; the batcher does the closing.
/// </summary>
internal sealed class BatchCadence
{
    /// <summary>
    /// The shortest time between two closes caused by changes. One second is the shortest interval a target may
    /// ping at (<see cref="TargetSettings.MinIntervalMs"/>), so a faster close could not carry a target's next
    /// round anyway; it bounds a flapping fleet to 3,600 batches an hour and delays a change by at most 1 s.
    /// </summary>
    public static readonly TimeSpan MinUrgentGap = TimeSpan.FromSeconds(1);

    /// <summary>The backend's default latency threshold (NetPulse:Detection:LatencyThresholdMs), for targets that set none.</summary>
    public const int DefaultLatencyThresholdMs = 150;

    /// <summary>The backend's default loss threshold (NetPulse:Detection:LossThresholdPercent), for targets that set none.</summary>
    public const double DefaultLossThresholdPercent = 5;

    /// <summary>The backend's default failed rounds in a row that open a down incident, at least (NetPulse:Detection:DownAfterFailedRounds).</summary>
    public const int DownAfterFailedRounds = 3;

    /// <summary>The backend's default time a failed run must last on a clean line (NetPulse:Detection:DownMinDuration).</summary>
    public static readonly TimeSpan DownMinDuration = TimeSpan.FromSeconds(5);

    /// <summary>The backend's default longest run it waits for on a lossy line (NetPulse:Detection:DownMaxDuration).</summary>
    public static readonly TimeSpan DownMaxDuration = TimeSpan.FromSeconds(10);

    /// <summary>The backend's default good rounds in a row that resolve it (NetPulse:Detection:UpAfterGoodRounds).</summary>
    public const int UpAfterGoodRounds = 2;

    /// <summary>Loss is counted over this many of a target's latest rounds, as the backend's loss rule counts it.</summary>
    public const int LossWindowRounds = 60;

    private readonly TimeSpan _calmWindow;
    private readonly TimeSpan _urgentWindow;
    private readonly TimeSpan _calmAfter;
    private readonly CalmTicks? _calmTicks;
    private readonly TargetState?[] _targets;
    private DateTimeOffset _lastClose;
    private DateTimeOffset _troubleAt;
    private DateTimeOffset? _urgentAt;

    /// <param name="start">When the batcher started: the first window starts here, and a start counts as a change
    /// (the backend should see a restarted probe soon, and nothing is known yet of its targets).</param>
    /// <param name="calmTicks">The grid calm windows close on; null: calm windows run from the last close.</param>
    public BatchCadence(BatchingOptions options, IReadOnlyList<ProbeTarget> targets, DateTimeOffset start, CalmTicks? calmTicks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(targets);
        if (options.UrgentWindow <= TimeSpan.Zero || options.CalmWindow < options.UrgentWindow || options.CalmAfter < TimeSpan.Zero
            || options.CalmWindow > TimeSpan.FromMilliseconds(PingBatchRules.MaxOffsetMs))
        {
            throw new ArgumentException(
                $"Probe:Batching needs 0 < UrgentWindow ({options.UrgentWindow}) <= CalmWindow ({options.CalmWindow}) <= {TimeSpan.FromMilliseconds(PingBatchRules.MaxOffsetMs)} and CalmAfter ({options.CalmAfter}) >= 0.",
                nameof(options));
        }

        _calmWindow = options.CalmWindow;
        _calmTicks = calmTicks;
        _urgentWindow = options.UrgentWindow;
        _calmAfter = options.CalmAfter;
        _targets = new TargetState?[targets.Count == 0 ? 0 : targets.Max(t => t.Index) + 1];
        foreach (var target in targets)
        {
            _targets[target.Index] = new TargetState(
                target.Settings.LatencyThresholdMs ?? DefaultLatencyThresholdMs,
                target.Settings.LossThresholdPercent ?? DefaultLossThresholdPercent,
                DownDecidingRuns(target.Interval));
        }

        _lastClose = start;
        _troubleAt = start;
    }

    /// <summary>When the open batch is due: the end of its window, or sooner after a change.</summary>
    public DateTimeOffset NextClose => Due().At;

    /// <summary>
    /// The backend tick the open batch aims at when it is due as a calm window on the grid (<see cref="CalmTicks"/>); null
    /// when it is due for any other reason (a change, an urgent window) or calm windows keep no grid.
    /// </summary>
    public DateTimeOffset? CalmTick => Due() is { OnGrid: true } due ? _calmTicks!.TickOf(due.At) : null;

    private (DateTimeOffset At, bool OnGrid) Due()
    {
        // The window is urgent while unsettled; one that outlasts the unsettled time is a calm one.
        var urgentEnd = _lastClose + _urgentWindow;
        var (windowEnd, onGrid) = urgentEnd < CalmFrom
            ? (urgentEnd, false)
            : _calmTicks is { } ticks
                ? (ticks.CloseAtOrAfter(_lastClose + _calmWindow / 2), true)
                : (_lastClose + _calmWindow, false);
        return _urgentAt is { } urgent && urgent < windowEnd ? (urgent, false) : (windowEnd, onGrid);
    }

    /// <summary>From when every target will have been calm long enough for calm windows, unless something changes first.</summary>
    public DateTimeOffset CalmFrom => _troubleAt + _calmAfter;

    /// <summary>Whether batches close on the calm window at <paramref name="now"/>.</summary>
    public bool IsCalm(DateTimeOffset now) => now >= CalmFrom;

    /// <summary>Takes a round of a target into account, read from the engine at <paramref name="now"/>.</summary>
    /// <param name="value">The round's value as <see cref="SampleValue"/> encodes it.</param>
    /// <returns>True when the round is a change that makes the open batch due at once (or as soon as <see cref="MinUrgentGap"/> allows).</returns>
    public bool Observe(int targetIndex, int value, DateTimeOffset now) => Observe(targetIndex, value, now, out _);

    /// <summary>Takes a round into account, as <see cref="Observe(int, int, DateTimeOffset)"/> does.</summary>
    /// <param name="troubleBegan">True when this round turns the target from calm to troubled: a failure, a reply over
    /// its latency threshold or its loss reaching its threshold, after a round that was none of these (or as its first
    /// round). The moment a path snapshot is worth taking.</param>
    public bool Observe(int targetIndex, int value, DateTimeOffset now, out bool troubleBegan)
    {
        troubleBegan = false;
        if (targetIndex < 0 || targetIndex >= _targets.Length || _targets[targetIndex] is not { } target)
        {
            return false;
        }

        var (changed, healthy) = target.Observe(value);
        troubleBegan = !healthy && target.WasHealthy;
        target.WasHealthy = healthy;
        if (changed)
        {
            var allowed = _lastClose + MinUrgentGap;
            var at = now > allowed ? now : allowed;
            _urgentAt = _urgentAt is { } earlier && earlier < at ? earlier : at;
        }

        if ((changed || !healthy) && now > _troubleAt)
        {
            _troubleAt = now;
        }

        return changed;
    }

    /// <summary>
    /// Something worth sending now joined the open batch (a trouble path snapshot): it is due at once, or as soon as
    /// <see cref="MinUrgentGap"/> allows, as after a change. The windows that follow are not affected.
    /// </summary>
    public void Hasten(DateTimeOffset now)
    {
        var allowed = _lastClose + MinUrgentGap;
        var at = now > allowed ? now : allowed;
        _urgentAt = _urgentAt is { } earlier && earlier < at ? earlier : at;
    }

    /// <summary>The open batch closed (or was due and empty) at <paramref name="now"/>: the next window starts.</summary>
    public void Closed(DateTimeOffset now)
    {
        _lastClose = now;
        _urgentAt = null;
    }

    /// <summary>
    /// The lengths of a failed run at which the backend's default down rule may decide, for a target pinged every
    /// <paramref name="interval"/>: the clean line's (at least <see cref="DownAfterFailedRounds"/> rounds lasting
    /// <see cref="DownMinDuration"/>) and the lossy line's cap (<see cref="DownMaxDuration"/>). Between them the
    /// run needed depends on the line's recent loss, which the short windows after the first failure carry anyway.
    /// </summary>
    internal static IReadOnlySet<int> DownDecidingRuns(TimeSpan interval)
    {
        int Rounds(TimeSpan span) => Math.Max(DownAfterFailedRounds, (int)Math.Ceiling(span / interval));
        return new HashSet<int> { DownAfterFailedRounds, Rounds(DownMinDuration), Rounds(DownMaxDuration) };
    }

    /// <summary>What the cadence remembers of one target: its last round and its latest rounds' failures.</summary>
    private sealed class TargetState(int latencyThresholdMs, double lossThresholdPercent, IReadOnlySet<int> downDecidingRuns)
    {
        private readonly bool[] _failures = new bool[LossWindowRounds];
        private readonly long _latencyThresholdMicroseconds = latencyThresholdMs * 1000L;
        private int _rounds;
        private int _failureCount;
        private int _failRun;
        private int _goodRun;
        private bool _failedBefore;
        private bool? _lastFailed;
        private bool _lastSlow;
        private bool _lossy;

        /// <summary>Whether the round before was healthy; a target starts out so, so trouble in its first round begins it.</summary>
        public bool WasHealthy { get; set; } = true;

        public (bool Changed, bool Healthy) Observe(int value)
        {
            var failed = !SampleValue.IsSuccess(value);
            var slow = !failed && value > _latencyThresholdMicroseconds;

            var slot = _rounds++ % LossWindowRounds;
            if (_rounds > LossWindowRounds && _failures[slot])
            {
                _failureCount--;
            }

            _failures[slot] = failed;
            _failureCount += failed ? 1 : 0;
            var counted = Math.Min(_rounds, LossWindowRounds);
            var lossy = _failureCount * 100.0 >= lossThresholdPercent * counted;

            _failRun = failed ? _failRun + 1 : 0;
            _goodRun = failed ? 0 : _goodRun + 1;
            var changed = (failed && _lastFailed != true)
                || (!failed && _lastFailed == true)
                || (slow && !_lastSlow)
                || (lossy && !_lossy)
                || (failed && downDecidingRuns.Contains(_failRun))
                || (_failedBefore && _goodRun == UpAfterGoodRounds);

            _failedBefore |= failed;
            _lastFailed = failed;
            _lastSlow = slow;
            _lossy = lossy;
            return (changed, !failed && !slow && !lossy);
        }
    }
}
