using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Where the pack finds the path to a target as it was when an incident began: the snapshot the probe took when the
/// trouble started (or the last one before it). A seam, so the pack's tests can give it any snapshot.
/// </summary>
public interface IIncidentPathSource
{
    /// <summary>The path snapshot of <paramref name="targetName"/> closest to <paramref name="start"/>; null when there is none.</summary>
    Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken);
}

/// <summary>The pack's paths come from the paths table, by the rule the incident page uses (<see cref="IncidentPaths"/>).</summary>
internal sealed class StoredIncidentPaths(IncidentPaths paths) : IIncidentPathSource
{
    public async Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken) =>
        (await paths.AtStartAsync(probeId, targetName, start, end: null, cancellationToken))?.Snapshot;
}

/// <summary>For a builder made without a path source (tests of the figures): no snapshots, and the pack says so.</summary>
internal sealed class NoIncidentPaths : IIncidentPathSource
{
    public Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken) =>
        Task.FromResult<PathSnapshot?>(null);
}
