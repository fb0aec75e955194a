using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The schedule's start in UTC (<see cref="StartUtc"/>), as the wall clock last put it, and which anchoring that
/// is (<see cref="Epoch"/>: 0 at start, one more at each step of the wall clock).
/// </summary>
internal sealed record ClockAnchor(DateTimeOffset StartUtc, int Epoch);

/// <summary>
/// Ties the engine's monotonic schedule to the wall clock, and ties it again when the wall clock steps. Rounds are
/// scheduled and timed on a monotonic clock, so an NTP step cannot bunch up or skip rounds; samples are stamped
/// <see cref="ClockAnchor.StartUtc"/> plus their due offset. A Raspberry Pi boots with a wrong wall clock (no
/// battery) until NTP steps it, possibly by hours or years: without re-anchoring, every sample of the run would
/// carry the boot-time error.
/// </summary>
/// <remarks>
/// <para>Every <see cref="CheckEvery"/> the scheduling thread compares the wall clock with where the monotonic clock
/// says it should be; when they are more than <see cref="StepThreshold"/> apart, the anchor moves by the difference and
/// the epoch goes up, with a warning that gives the step. Below the threshold nothing changes: NTP slews small errors
/// (and Linux slews the monotonic clock with it), a millisecond jitter must not move the stamps, and a clock that drifts
/// slowly against the monotonic one (Windows) is followed in steps of a second.</para>
/// <para>Samples carry the epoch (<see cref="PingSample.ClockEpoch"/>), and a batch holds one epoch only: the open batch
/// closes at a step in either direction, so no batch spans two clocks, and each batch's window, offsets and slots are
/// as the contract wants them. After a backwards step the new samples may cover times that batches before the step
/// already covered with wrong stamps; those are separate batches, which the contract allows.</para>
/// <para>Both clocks come from one <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/> is
/// <see cref="System.Diagnostics.Stopwatch"/> for the system one), so a test can step the wall clock alone.</para>
/// </remarks>
internal sealed class WallClockAnchor
{
    /// <summary>A wall clock further than this from the monotonic one has stepped.</summary>
    public static readonly TimeSpan StepThreshold = TimeSpan.FromSeconds(1);

    /// <summary>How often the clocks are compared: stamps are right again within this (plus a round) of a step.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _startTimestamp;
    private readonly long _checkEveryTimestamps;
    private long _nextCheck;
    private ClockAnchor _current;

    /// <summary>Anchors now: call it where the schedule starts, so offset zero is this moment.</summary>
    public WallClockAnchor(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _startTimestamp = time.GetTimestamp();
        _current = new ClockAnchor(time.GetUtcNow(), 0);
        _checkEveryTimestamps = (long)(CheckEvery.TotalSeconds * time.TimestampFrequency);
        _nextCheck = _startTimestamp + _checkEveryTimestamps;
    }

    /// <summary>The anchor to stamp with; readable from any thread.</summary>
    public ClockAnchor Current => Volatile.Read(ref _current);

    /// <summary>
    /// Compares the clocks, at most every <see cref="CheckEvery"/>, and re-anchors on a step. Cheap between checks
    /// (one timestamp read), so the scheduling loop calls it every turn. Single-threaded: the scheduling thread only.
    /// </summary>
    /// <returns>True when it re-anchored.</returns>
    public bool CheckForStep()
    {
        var now = _time.GetTimestamp();
        if (now < _nextCheck)
        {
            return false;
        }

        _nextCheck = now + _checkEveryTimestamps;
        var current = _current;
        var step = _time.GetUtcNow() - (current.StartUtc + _time.GetElapsedTime(_startTimestamp, now));
        if (step.Duration() <= StepThreshold)
        {
            return false;
        }

        var anchor = new ClockAnchor(current.StartUtc + step, current.Epoch + 1);
        Volatile.Write(ref _current, anchor);
        _logger.LogWarning(
            "The wall clock stepped {Direction} by {StepSeconds} s against the monotonic clock (NTP sync, a manual change or a resume): samples are stamped from the corrected clock from now on, and the open batch closes so no batch spans the step (clock epoch {Epoch})",
            step > TimeSpan.Zero ? "forwards" : "backwards",
            Math.Round(step.Duration().TotalSeconds, 3),
            anchor.Epoch);
        return true;
    }
}
