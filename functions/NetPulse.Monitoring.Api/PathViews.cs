using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>One hop of a snapshot as the API shows it: the contract's figures, times in milliseconds (null when nothing answered).</summary>
public sealed record PathHopView(
    int Ttl,
    string? Address,
    IReadOnlyList<string> OtherAddresses,
    int Sent,
    int Received,
    double LossPercent,
    double? LastMs,
    double? BestMs,
    double? AverageMs,
    double? WorstMs,
    double? StdDevMs);

/// <summary>Where loss begins (<see cref="PathAnalysis.FirstPersistentLossHop"/>) and what that means, in words.</summary>
public sealed record PathFindingView(int Ttl, string? Address, double LossPercent, string Explanation);

/// <summary>A stored snapshot: <see cref="Id"/> is its start time to the tick (<see cref="PathIds"/>); <see cref="Finding"/> null when no loss persists.</summary>
public sealed record PathSnapshotView(
    string Id,
    string TargetId,
    string Target,
    string ProbeId,
    string Destination,
    DateTimeOffset StartedAt,
    string Reason,
    int Cycles,
    bool ReachedDestination,
    IReadOnlyList<PathHopView> Hops,
    PathFindingView? Finding);

/// <summary>GET /api/targets/{id}/paths: newest first; <see cref="Truncated"/> when the range held more than were served.</summary>
public sealed record PathList(IReadOnlyList<PathSnapshotView> Paths, bool Truncated);

/// <summary>A TTL that answered from another router than in the baseline.</summary>
public sealed record RouteHopChangeView(int Ttl, string OldAddress, string NewAddress);

/// <summary>A recorded route change (<see cref="RouteChangeRule"/>).</summary>
public sealed record RouteChangeView(DateTimeOffset FirstSeenAt, DateTimeOffset ConfirmedAt, string BaselineId, string SnapshotId, IReadOnlyList<RouteHopChangeView> Hops);

/// <summary>GET /api/incidents/{id}/paths: the snapshot at the incident's start beside the last baseline before it.</summary>
public sealed record IncidentPathsView(
    string IncidentId,
    string TargetId,
    PathSnapshotView? AtStart,
    PathSnapshotView? Baseline,
    IReadOnlyList<RouteHopChangeView> Differences,
    IReadOnlyList<RouteChangeView> RouteChanges);

/// <summary>Maps stored paths to their views.</summary>
internal static class PathViews
{
    public static PathSnapshotView Of(StoredPath path)
    {
        var snapshot = path.Snapshot;
        return new PathSnapshotView(
            path.Id,
            TargetIds.Format(path.ProbeId, path.TargetName),
            path.TargetName,
            path.ProbeId,
            snapshot.Destination,
            snapshot.StartedAt.ToUniversalTime(),
            JsonNamingPolicy.CamelCase.ConvertName(path.Reason.ToString()),
            snapshot.Cycles,
            snapshot.ReachedDestination,
            [.. snapshot.Hops.Select(h => new PathHopView(
                h.Ttl, h.Address, h.OtherAddresses ?? [], h.Sent, h.Received, h.LossPercent, h.LastMs, h.BestMs, h.AverageMs, h.WorstMs, h.StdDevMs))],
            PathAnalysis.FirstPersistentLossHop(snapshot) is { } finding
                ? new PathFindingView(finding.Ttl, finding.Address, finding.LossPercent, finding.Explanation)
                : null);
    }

    public static IncidentPathsView Of(Incident incident, IncidentPathPair pair) => new(
        incident.Id,
        TargetIds.Format(incident.ProbeId, incident.TargetName),
        pair.AtStart is { } atStart ? Of(atStart) : null,
        pair.Baseline is { } baseline ? Of(baseline) : null,
        [.. pair.Differences.Select(d => new RouteHopChangeView(d.Ttl, d.OldAddress, d.NewAddress))],
        [.. pair.RouteChanges.Select(c => new RouteChangeView(
            c.FirstSeenAt, c.ConfirmedAt, c.BaselineId, c.SnapshotId, [.. c.Hops.Select(d => new RouteHopChangeView(d.Ttl, d.OldAddress, d.NewAddress))]))]);
}

/// <summary>The JSON of the path routes, with the API's settings (<see cref="ApiJsonContext"/>), in a context of its own.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimeJsonConverter)])]
[JsonSerializable(typeof(PathList))]
[JsonSerializable(typeof(PathSnapshotView))]
[JsonSerializable(typeof(IncidentPathsView))]
internal sealed partial class PathJsonContext : JsonSerializerContext;
