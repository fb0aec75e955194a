using NetPulse.Contracts;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Where the pack finds the path to a target as it was when an incident began: the snapshot the probe took when the
/// trouble started (or the last one before it). The paths table is a layer of its own; this seam lets the pack print
/// what that layer has without Evidence knowing how it is stored.
/// </summary>
public interface IIncidentPathSource
{
    /// <summary>The path snapshot of <paramref name="targetName"/> closest to <paramref name="start"/>; null when there is none.</summary>
    Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken);
}

/// <summary>The default until a paths store is registered: no snapshots, and the pack says so.</summary>
internal sealed class NoIncidentPaths : IIncidentPathSource
{
    public Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken) =>
        Task.FromResult<PathSnapshot?>(null);
}
