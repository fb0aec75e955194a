using NetPulse.Contracts;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// One round of one target as detection sees it: its slot time, <see cref="SampleValue"/> and
/// the target's settings in the batch that carried it, so a replay decides with the thresholds of its time.
/// </summary>
internal readonly record struct Round(DateTimeOffset Time, int Value, int IntervalMs, double LatencyThresholdMs, double LossThresholdPercent)
{
    public bool IsSuccess => SampleValue.IsSuccess(Value);

    public double RttMs => Value / 1000.0;
}

/// <summary>An incident as one detector run sees it.</summary>
internal sealed class DetectedIncident
{
    public required IncidentType Type { get; init; }

    /// <summary>When the trouble began: the first failed round, the round the median first went over.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The round at which the rule fired.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the trouble ended: the first round of the good stretch that resolved it.</summary>
    public DateTimeOffset? End { get; set; }

    /// <summary>The round at which the incident resolved.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Worst value over the rounds this run decided while the incident was open (see <see cref="CarriedIn"/>).</summary>
    public double? Peak { get; set; }

    public required double Threshold { get; init; }

    /// <summary>Open before this run's first decided round: <see cref="Peak"/> misses its earlier rounds.</summary>
    public bool CarriedIn { get; init; }

    public bool IsOpen => ClosedAt is null;
}
