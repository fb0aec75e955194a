namespace NetPulse.Probe.Icmp;

/// <summary>
/// One round of one target that has fallen due. <see cref="DueOffset"/> is its due time measured from the
/// schedule's start, exact in <see cref="TimeSpan"/> ticks, so a target's rounds are exactly one interval apart.
/// </summary>
internal readonly record struct DueRound(int Slot, long Round, TimeSpan DueOffset, long DueTimestamp);

/// <summary>
/// When every target's rounds fall due: each target on its own interval, started at a phase offset (from its name,
/// see <see cref="FirstDue"/>, or <c>slot × interval / count</c>) so that 1,000 targets at 1 s are spread over the
/// second rather than one burst.
/// A due-time priority queue over all targets; timestamps are in the caller's clock units
/// (<paramref name="timestampFrequency"/> per second, <see cref="System.Diagnostics.Stopwatch"/> or a
/// <see cref="TimeProvider"/>). Single-threaded.
/// </summary>
/// <remarks>
/// The per-target rate cap lives here, in two parts: no interval is shorter than <see cref="MinimumInterval"/>
/// whatever the configuration says, and a round that comes up more than half an interval late (the process
/// was stalled) is reported as missed rather than sent, so a stall never ends in a catch-up burst and a
/// target's requests are never less than half a second apart even then.
/// </remarks>
internal sealed class PingSchedule
{
    /// <summary>No target is pinged more often than once a second, whatever the configuration.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    private readonly TimeSpan[] _intervals;
    private readonly TimeSpan[] _phases;
    private readonly long[] _nextRound;
    private readonly long[] _lastRequest;
    private readonly long _startTimestamp;
    private readonly long _timestampFrequency;
    private readonly PriorityQueue<int, long> _queue;

    /// <param name="firstDue">Each slot's first due offset from the start (see <see cref="FirstDue"/>), below its interval;
    /// null spreads the slots evenly by position (<c>slot × interval / count</c>).</param>
    public PingSchedule(IReadOnlyList<TimeSpan> intervals, long startTimestamp, long timestampFrequency, IReadOnlyList<TimeSpan>? firstDue = null)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);

        var count = intervals.Count;
        _intervals = new TimeSpan[count];
        _phases = new TimeSpan[count];
        _nextRound = new long[count];
        _lastRequest = new long[count];
        Array.Fill(_lastRequest, long.MinValue);
        _startTimestamp = startTimestamp;
        _timestampFrequency = timestampFrequency;
        _queue = new PriorityQueue<int, long>(count);
        for (var slot = 0; slot < count; slot++)
        {
            var interval = CapInterval(intervals[slot]);
            _intervals[slot] = interval;
            _phases[slot] = firstDue is null
                ? TimeSpan.FromTicks(interval.Ticks * slot / count)
                : TimeSpan.FromTicks(firstDue[slot].Ticks % interval.Ticks);
            _queue.Enqueue(slot, ToTimestamp(_phases[slot]));
        }
    }

    public int Count => _intervals.Length;

    /// <summary>
    /// When a target's first round falls due after a schedule that starts at <paramref name="startUtc"/>, so that its
    /// rounds sit on a grid of its own: UTC times that are a whole number of intervals from a phase taken from its
    /// name (whole milliseconds, stable across runs and machines). A target keeps its phase when the engine restarts
    /// on a changed target list (or the probe restarts), whatever its position; targets spread over the interval as
    /// their names hash, which for hundreds of targets is nearly as even as spreading them by position.
    /// </summary>
    public static TimeSpan FirstDue(string name, TimeSpan interval, DateTimeOffset startUtc)
    {
        ArgumentNullException.ThrowIfNull(name);
        var intervalTicks = CapInterval(interval).Ticks;
        var intervalMs = Math.Max(1, intervalTicks / TimeSpan.TicksPerMillisecond);
        var phaseTicks = (long)(StableHash(name) % (ulong)intervalMs) * TimeSpan.TicksPerMillisecond;
        var sinceEpoch = startUtc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var offset = (phaseTicks - sinceEpoch) % intervalTicks;
        return TimeSpan.FromTicks(offset < 0 ? offset + intervalTicks : offset);
    }

    /// <summary>FNV-1a over the upper-cased name (names are unique ignoring case); string.GetHashCode differs per process.</summary>
    private static ulong StableHash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ char.ToUpperInvariant(c)) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>The interval actually used: the configured one, but never below <see cref="MinimumInterval"/>.</summary>
    public static TimeSpan CapInterval(TimeSpan configured) => configured < MinimumInterval ? MinimumInterval : configured;

    public TimeSpan Interval(int slot) => _intervals[slot];

    public TimeSpan Phase(int slot) => _phases[slot];

    /// <summary>When the round falls due, measured from the schedule's start.</summary>
    public TimeSpan DueOffset(int slot, long round) => _phases[slot] + (_intervals[slot] * round);

    /// <summary>The clock reading at <paramref name="offset"/> after the schedule's start.</summary>
    public long ToTimestamp(TimeSpan offset) =>
        _startTimestamp + (long)((Int128)offset.Ticks * _timestampFrequency / TimeSpan.TicksPerSecond);

    /// <summary>Converts a difference of two clock readings.</summary>
    public TimeSpan ToTimeSpan(long timestampDelta) =>
        TimeSpan.FromTicks((long)((Int128)timestampDelta * TimeSpan.TicksPerSecond / _timestampFrequency));

    /// <summary>The earliest time any round falls due.</summary>
    public long NextDueTimestamp => _queue.TryPeek(out _, out var due) ? due : long.MaxValue;

    /// <summary>Takes the earliest round due at or before <paramref name="now"/> and queues that target's next round.</summary>
    public bool TryTakeDue(long now, out DueRound due)
    {
        if (!_queue.TryPeek(out var slot, out var dueTimestamp) || dueTimestamp > now)
        {
            due = default;
            return false;
        }

        var round = _nextRound[slot];
        var offset = DueOffset(slot, round);
        due = new DueRound(slot, round, offset, dueTimestamp);
        _nextRound[slot] = round + 1;

        // DequeueEnqueue replaces the head in one sift: no allocation, no second heap walk.
        _queue.DequeueEnqueue(slot, ToTimestamp(DueOffset(slot, round + 1)));
        return true;
    }

    /// <summary>
    /// True when the round is more than half an interval late: sending it now would misstate its scheduled
    /// time by that much and could put two requests to one target close together, so it is skipped instead.
    /// </summary>
    public bool IsMissed(in DueRound due, long now) =>
        now - due.DueTimestamp > ToTimestampDelta(_intervals[due.Slot] / 2);

    /// <summary>
    /// The last line of the rate cap, independent of how rounds are computed: admits a request to the slot's
    /// target only if its previous request left at least half of <see cref="MinimumInterval"/> ago, and then
    /// remembers this one. With the interval cap and <see cref="IsMissed"/> in place only a bug can trip it.
    /// </summary>
    public bool TryAdmitRequest(int slot, long now)
    {
        var last = _lastRequest[slot];
        if (last != long.MinValue && now - last < ToTimestampDelta(MinimumInterval / 2))
        {
            return false;
        }

        _lastRequest[slot] = now;
        return true;
    }

    /// <summary>A span in clock units.</summary>
    public long ToTimestampDelta(TimeSpan span) => (long)((Int128)span.Ticks * _timestampFrequency / TimeSpan.TicksPerSecond);
}
