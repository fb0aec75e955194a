using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// When a target's path has changed route: pure, over its snapshots in time order. The established path starts as the
/// first baseline; a snapshot differs from it when some TTL answered from another router (TTLs that did not answer in
/// either say nothing, and an address the other listed among its load-balanced <see cref="PathHop.OtherAddresses"/> is
/// the same route). Several consecutive differing snapshots (<see cref="DefaultConsecutive"/>) make a route change at
/// the TTLs that differed in each of them; the newest of the run becomes the established path. A snapshot that agrees
/// ends a run, and an agreeing baseline freshens the established path.
/// </summary>
/// <remarks>
/// The established path is sticky on purpose: were it always the latest baseline, an hourly baseline taken after a
/// change would become the reference and the change would never count.
/// </remarks>
public static class RouteChangeRule
{
    /// <summary>Differing snapshots in a row that make a route change; one alone is usually a reroute of minutes.</summary>
    public const int DefaultConsecutive = 3;

    /// <summary>The route changes in <paramref name="chronological"/> (oldest first), oldest first.</summary>
    public static IReadOnlyList<RouteChange> Find(IReadOnlyList<StoredPath> chronological, int consecutive = DefaultConsecutive)
    {
        ArgumentNullException.ThrowIfNull(chronological);
        ArgumentOutOfRangeException.ThrowIfLessThan(consecutive, 1);
        var changes = new List<RouteChange>();
        StoredPath? established = null;
        var run = new List<(StoredPath Path, IReadOnlyList<RouteHopChange> Differences)>();
        foreach (var path in chronological)
        {
            if (established is null)
            {
                established = path.Reason == PathSnapshotReason.Baseline ? path : null;
                continue;
            }

            var differences = Differences(established.Snapshot, path.Snapshot);
            if (differences.Count == 0)
            {
                run.Clear();
                if (path.Reason == PathSnapshotReason.Baseline)
                {
                    established = path;
                }

                continue;
            }

            run.Add((path, differences));
            if (run.Count < consecutive)
            {
                continue;
            }

            // The TTLs that differ now and in every snapshot of the run that answered there.
            var window = run.Skip(run.Count - consecutive).ToList();
            var hops = differences
                .Where(d => window.All(w => w.Differences.Any(o => o.Ttl == d.Ttl) || !Answered(w.Path.Snapshot, d.Ttl)))
                .ToList();
            if (hops.Count == 0)
            {
                continue;
            }

            changes.Add(new RouteChange(
                path.ProbeId, path.TargetName, window[0].Path.Snapshot.StartedAt, path.Snapshot.StartedAt, established.Id, path.Id, hops));
            established = path;
            run.Clear();
        }

        return changes;
    }

    /// <summary>The TTLs at which both answered, from routers the other did not list: the old and the new main address.</summary>
    public static IReadOnlyList<RouteHopChange> Differences(PathSnapshot established, PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(established);
        ArgumentNullException.ThrowIfNull(snapshot);
        var differences = new List<RouteHopChange>();
        for (var i = 0; i < Math.Min(established.Hops.Count, snapshot.Hops.Count); i++)
        {
            var (old, now) = (established.Hops[i], snapshot.Hops[i]);
            if (old.Address is not { } oldAddress || now.Address is not { } newAddress)
            {
                continue;
            }

            if (!Addresses(old).Overlaps(Addresses(now)))
            {
                differences.Add(new RouteHopChange(old.Ttl, oldAddress, newAddress));
            }
        }

        return differences;
    }

    private static bool Answered(PathSnapshot snapshot, int ttl) => ttl <= snapshot.Hops.Count && snapshot.Hops[ttl - 1].Address is not null;

    private static HashSet<string> Addresses(PathHop hop) => [hop.Address!, .. hop.OtherAddresses ?? []];
}
