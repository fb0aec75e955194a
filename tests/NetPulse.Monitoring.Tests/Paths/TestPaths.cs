using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Paths;

/// <summary>Path snapshots for tests: 10 cycles a hop, each hop an address (null: silent) and how many of 10 came back.</summary>
internal static class TestPaths
{
    public const int Cycles = 10;

    public static PathSnapshot Snapshot(string target, DateTimeOffset at, PathSnapshotReason? reason, params (string? Address, int Received)[] hops) =>
        Snapshot(target, at, reason, hops.Select(h => Hop(h.Address, h.Received)).ToArray());

    public static PathSnapshot Snapshot(string target, DateTimeOffset at, PathSnapshotReason? reason, params PathHop[] hops)
    {
        var numbered = hops.Select((h, i) => h with { Ttl = i + 1 }).ToList();
        var last = numbered[^1];
        var snapshot = new PathSnapshot
        {
            Target = target,
            Destination = last.Address ?? "10.200.9.9",
            StartedAt = at,
            Cycles = Cycles,
            Reason = reason,
            ReachedDestination = last.Address is not null,
            Hops = numbered,
        };
        var problems = snapshot.Problems().ToList();
        return problems.Count == 0 ? snapshot : throw new ArgumentException("test snapshot is invalid: " + string.Join("; ", problems));
    }

    /// <summary>A hop that answered <paramref name="received"/> of 10 (0: silent, no address); <paramref name="others"/> load-balanced.</summary>
    public static PathHop Hop(string? address, int received, params string[] others) => new()
    {
        Ttl = 1,
        Address = received == 0 ? null : address,
        OtherAddresses = others.Length == 0 || received == 0 ? null : others,
        Sent = Cycles,
        Received = received,
        LossPercent = PathHop.Loss(Cycles, received),
        LastMs = received == 0 ? null : 1.2,
        BestMs = received == 0 ? null : 0.3,
        AverageMs = received == 0 ? null : 1.0,
        WorstMs = received == 0 ? null : 2.5,
        StdDevMs = received == 0 ? null : 0.4,
    };

    /// <summary>The route via 10.200.1.1, 10.200.2.1 to 10.200.3.1, all answering.</summary>
    public static PathSnapshot Usual(string target, DateTimeOffset at, PathSnapshotReason? reason) =>
        Snapshot(target, at, reason, ("10.200.1.1", 10), ("10.200.2.1", 10), ("10.200.3.1", 10));

    /// <summary>As <see cref="Usual"/> but TTL 2 through 10.200.22.1.</summary>
    public static PathSnapshot Rerouted(string target, DateTimeOffset at, PathSnapshotReason? reason) =>
        Snapshot(target, at, reason, ("10.200.1.1", 10), ("10.200.22.1", 10), ("10.200.3.1", 10));

    public static StoredPath Stored(PathSnapshot snapshot, string probeId = "home-1") =>
        new(PathIds.Of(snapshot.StartedAt), probeId, snapshot.Target, snapshot);
}
