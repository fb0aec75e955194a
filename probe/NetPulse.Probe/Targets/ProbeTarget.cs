using NetPulse.Contracts;

namespace NetPulse.Probe.Targets;

/// <summary>
/// A target as the probe runs it: validated configuration with the probe-wide defaults applied.
/// <see cref="Index"/> is its position in the probe's target list and identifies it in samples.
/// </summary>
public sealed record ProbeTarget
{
    public required int Index { get; init; }

    /// <summary>
    /// Which published target list (<see cref="TargetSet.Generation"/>) <see cref="Index"/> refers to: samples carry it,
    /// so after a change of the list no sample of the old one lands under a new index.
    /// </summary>
    public int Generation { get; init; }

    /// <summary>
    /// What the backend knows of the target (name, host, interval, thresholds): the contract's one record,
    /// sent as it is with every batch, so a new setting needs no copy in the probe.
    /// </summary>
    public required TargetSettings Settings { get; init; }

    /// <summary>How long a round waits for its reply; the probe's own business, never sent.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// True for the CLI's one-off <c>ping</c>: the first round goes out as the engine starts (phase 0) instead of
    /// waiting for the name's phase on the wall-clock grid (<see cref="Icmp.PingSchedule.FirstDue"/>), up to an
    /// interval away. A probe's own targets keep their grid, so a restart keeps each one's phase.
    /// </summary>
    public bool StartAtOnce { get; init; }

    public string Name => Settings.Name;

    /// <summary>An IPv4 or IPv6 literal or a DNS name.</summary>
    public string Host => Settings.Host;

    /// <summary>Time between rounds: the interval the batches announce, so engine and backend agree.</summary>
    public TimeSpan Interval => TimeSpan.FromMilliseconds(Settings.IntervalMs);
}
