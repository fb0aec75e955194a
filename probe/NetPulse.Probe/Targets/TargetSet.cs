namespace NetPulse.Probe.Targets;

/// <summary>
/// One published list of the targets the probe runs. <see cref="Generation"/> goes up by one at every change; the
/// engine's samples carry it (<see cref="ProbeTarget.Generation"/>), so the batcher knows which list an index means.
/// </summary>
public sealed record TargetSet(int Generation, IReadOnlyList<ProbeTarget> Targets);

/// <summary>Where the targets the probe runs come from, for the log, <c>status</c> and each batch's status.</summary>
/// <param name="Version">The managed list's version (its ETag); null for the local file.</param>
/// <param name="Description">"file ..." or "managed list ..." in words.</param>
public sealed record TargetSource(string? Version, string Description)
{
    public static readonly TargetSource LocalFile = new(null, "the local configuration");
}
