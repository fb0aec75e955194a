namespace NetPulse.Probe.Targets;

/// <summary>
/// A target as the probe runs it: validated configuration with the probe-wide defaults applied.
/// <see cref="Index"/> is its position in the probe's target list and identifies it in samples.
/// </summary>
public sealed record ProbeTarget
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    /// <summary>An IPv4 or IPv6 literal or a DNS name.</summary>
    public required string Host { get; init; }

    public string? Category { get; init; }

    public string? Description { get; init; }

    /// <summary>This target is the probe's uplink (gateway or ISP hop).</summary>
    public bool Uplink { get; init; }

    public required TimeSpan Interval { get; init; }

    public required TimeSpan Timeout { get; init; }

    public int? LatencyThresholdMs { get; init; }

    public double? LossThresholdPercent { get; init; }
}
