using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// The paths of an incident: the snapshot at its start beside the last baseline before it, how the two differ, and
/// the route changes recorded around it. <see cref="Finding"/> is where loss begins in the snapshot at start.
/// </summary>
public sealed record IncidentPathPair(
    StoredPath? AtStart,
    StoredPath? Baseline,
    PathLossFinding? Finding,
    IReadOnlyList<RouteHopChange> Differences,
    IReadOnlyList<RouteChange> RouteChanges);

/// <summary>
/// Finds an incident's paths in the paths table (<see cref="PathStore"/>): what the incident page, the API and the alert
/// text show, and what the evidence pack can put beside each incident.
/// </summary>
public sealed class IncidentPaths(PathStore paths, TimeProvider time)
{
    /// <summary>
    /// How long before the incident's start a snapshot still counts as taken at it: the probe starts one when it sees the
    /// first failure, which is the incident's start, but its clock and the rounds' slots differ by a second or so.
    /// </summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMinutes(1);

    /// <summary>The incident's first minutes: a trouble snapshot started in them is the snapshot at start.</summary>
    public static readonly TimeSpan FirstMinutes = TimeSpan.FromMinutes(5);

    /// <summary>How far after the start (or to its end, if sooner) a snapshot is looked for at all.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    /// <summary>The most route changes one pair lists.</summary>
    public const int MaxRouteChanges = 10;

    /// <summary>
    /// The snapshot at the incident's start: the first trouble snapshot in its first minutes, else the snapshot nearest
    /// after its start (of any reason), else one taken in the lead before it; null when there is none, and for a probe's
    /// own incidents, which have no target.
    /// </summary>
    public Task<StoredPath?> AtStartAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return string.IsNullOrEmpty(incident.TargetName)
            ? Task.FromResult<StoredPath?>(null)
            : AtStartAsync(incident.ProbeId, incident.TargetName, incident.Start, incident.End, cancellationToken);
    }

    /// <summary>The snapshot at the start of a target's trouble from <paramref name="start"/> to <paramref name="end"/> (null: still open), by the same rule.</summary>
    public async Task<StoredPath?> AtStartAsync(string probeId, string targetName, DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken)
    {
        var to = Min(end ?? time.GetUtcNow(), start + Horizon);
        to = Max(to, start + FirstMinutes);
        var found = await paths.ListAsync(probeId, targetName, start - Lead, to, PathStore.MaxRead, cancellationToken);
        var oldestFirst = found.Reverse().ToList();
        return oldestFirst.FirstOrDefault(p => p.Reason == PathSnapshotReason.Trouble && p.Snapshot.StartedAt <= start + FirstMinutes)
            ?? oldestFirst.FirstOrDefault(p => p.Snapshot.StartedAt >= start)
            ?? oldestFirst.LastOrDefault();
    }

    /// <summary>The incident's pair: the snapshot at start, the last baseline before it (or before the start, when there is no snapshot).</summary>
    public async Task<IncidentPathPair> ForAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (string.IsNullOrEmpty(incident.TargetName))
        {
            return new IncidentPathPair(null, null, null, [], []);
        }

        var atStart = await AtStartAsync(incident, cancellationToken);
        var before = atStart?.Snapshot.StartedAt ?? incident.Start;
        var baseline = await paths.LatestBaselineAsync(incident.ProbeId, incident.TargetName, before, cancellationToken);
        var changesFrom = baseline?.Snapshot.StartedAt ?? incident.Start - Horizon;
        var changesTo = Max(atStart?.Snapshot.StartedAt ?? incident.Start, incident.Start + FirstMinutes);
        var changes = await paths.RouteChangesAsync(incident.ProbeId, incident.TargetName, changesFrom, changesTo, MaxRouteChanges, cancellationToken);
        return new IncidentPathPair(
            atStart,
            baseline,
            atStart is null ? null : PathAnalysis.FirstPersistentLossHop(atStart.Snapshot),
            atStart is not null && baseline is not null ? RouteChangeRule.Differences(baseline.Snapshot, atStart.Snapshot) : [],
            changes);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
