using System.Diagnostics.CodeAnalysis;

namespace NetPulse.Contracts;

/// <summary>
/// One message on the ping-batch queue: the samples a probe collected over one batch window.
/// Delivery is at-least-once and unordered, so a reader keys everything by
/// (<see cref="ProbeId"/>, target, sample time) and a replay changes nothing.
/// </summary>
public sealed record PingBatch
{
    /// <summary>Version 1: the batch as UTF-8 JSON. Still read, and written where a probe is configured for it.</summary>
    public const int JsonVersion = 1;

    /// <summary>Version 2: the compact binary form (implicit sample slots, varint RTT deltas), about a ninth of JSON's size.</summary>
    public const int BinaryVersion = 2;

    /// <summary>The version a probe writes unless told otherwise.</summary>
    public const int CurrentVersion = BinaryVersion;

    /// <summary>The wire version the batch travels in (<see cref="JsonVersion"/> or <see cref="BinaryVersion"/>); the content is the same.</summary>
    public required int Version { get; init; }

    /// <summary>True for a version this code reads and writes.</summary>
    public static bool IsKnownVersion(int version) => version is JsonVersion or BinaryVersion;

    /// <summary>The probe that sent the batch: 1–64 of A–Z a–z 0–9 . _ -, starting with a letter or digit.</summary>
    public required string ProbeId { get; init; }

    /// <summary>Numbered per probe from 0; consecutive batches have consecutive numbers.</summary>
    public required long Sequence { get; init; }

    /// <summary>UTC time that every sample offset counts from.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    public required IReadOnlyList<TargetSamples> Targets { get; init; }

    /// <summary>How the probe was doing when the batch closed; absent in batches from probes older than the fleet view.</summary>
    public ProbeStatus? Status { get; init; }

    /// <summary>Path snapshots (MTR-style) taken in this window; null when none were (older probes never send them).</summary>
    public IReadOnlyList<PathSnapshot>? Paths { get; init; }

    /// <summary>Total samples across targets.</summary>
    public int SampleCount => Targets.Sum(t => t.Samples.Count);
}

/// <summary>A target's settings as the probe knows them, and its samples in this batch in time order.</summary>
public sealed record TargetSamples : TargetSettings
{
    public TargetSamples()
    {
    }

    /// <summary>A target's settings with its samples: a new setting travels without a change here.</summary>
    [SetsRequiredMembers]
    public TargetSamples(TargetSettings settings, IReadOnlyList<WireSample> samples)
        : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
        Samples = samples;
    }

    public required IReadOnlyList<WireSample> Samples { get; init; }
}
