namespace NetPulse.Contracts;

/// <summary>
/// One message on the ping-batch queue: the samples a probe collected over one batch window.
/// Delivery is at-least-once and unordered, so a reader keys everything by
/// (<see cref="ProbeId"/>, target, sample time) and a replay changes nothing.
/// </summary>
public sealed record PingBatch
{
    /// <summary>The contract version this type reads and writes.</summary>
    public const int CurrentVersion = 1;

    public required int Version { get; init; }

    /// <summary>The probe that sent the batch: 1–64 of A–Z a–z 0–9 . _ -, starting with a letter or digit.</summary>
    public required string ProbeId { get; init; }

    /// <summary>Numbered per probe from 0; consecutive batches have consecutive numbers.</summary>
    public required long Sequence { get; init; }

    /// <summary>UTC time that every sample offset counts from.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    public required IReadOnlyList<TargetSamples> Targets { get; init; }

    /// <summary>Total samples across targets.</summary>
    public int SampleCount => Targets.Sum(t => t.Samples.Count);
}

/// <summary>A target as the probe knows it, and its samples in this batch in time order.</summary>
public sealed record TargetSamples
{
    /// <summary>The target's name: unique per probe, 1–64 characters, no control characters. Text from config: escape it.</summary>
    public required string Name { get; init; }

    /// <summary>The host as configured: an IPv4 or IPv6 address or a DNS name.</summary>
    public required string Host { get; init; }

    public string? Category { get; init; }

    public string? Description { get; init; }

    /// <summary>The probe's uplink (its gateway or ISP hop): when it is down, other targets' incidents group under it.</summary>
    public bool Uplink { get; init; }

    /// <summary>Milliseconds between this target's rounds.</summary>
    public required int IntervalMs { get; init; }

    /// <summary>Per-target override of the high-latency threshold, in milliseconds.</summary>
    public int? LatencyThresholdMs { get; init; }

    /// <summary>Per-target override of the packet-loss threshold, in percent.</summary>
    public double? LossThresholdPercent { get; init; }

    public required IReadOnlyList<WireSample> Samples { get; init; }
}
