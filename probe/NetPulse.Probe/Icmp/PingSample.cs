using NetPulse.Contracts;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The outcome of one round of one target. <see cref="ScheduledAt"/> is the round's due time on the
/// probe's schedule (UTC, exactly one interval after the previous round), not the moment the request left,
/// so a target's samples are evenly spaced whatever the machine's load; <see cref="Lateness"/> says how
/// late the request actually left.
/// </summary>
/// <remarks>
/// <see cref="ClockEpoch"/> says which anchoring of the schedule to the wall clock stamped it (see
/// <see cref="WallClockAnchor"/>): it goes up by one each time the wall clock steps, and a batch holds one epoch only.
/// </remarks>
public readonly record struct PingSample(
    int TargetIndex,
    DateTimeOffset ScheduledAt,
    PingStatus Status,
    TimeSpan? Rtt,
    TimeSpan Lateness)
{
    public int ClockEpoch { get; init; }

    /// <summary>The target list <see cref="TargetIndex"/> refers to (<see cref="Targets.TargetSet.Generation"/>).</summary>
    public int TargetGeneration { get; init; }

    public bool IsSuccess => Status == PingStatus.Ok;
}
