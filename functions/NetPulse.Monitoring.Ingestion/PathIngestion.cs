using Azure;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// Stores the path snapshots a batch carries (<see cref="PingBatch.Paths"/>) and records the route changes they
/// confirm (<see cref="RouteChangeRule"/>). Validation is the contract's, done when the batch was decoded.
/// </summary>
/// <remarks>
/// A snapshot is stored under the target it names when the batch carries that target or the probe's catalogue knows
/// it (a probe may ship a trouble snapshot after the target left its list); a snapshot for a target the probe never
/// had is refused with one log line, the batch's samples going on unharmed, since the API could never show it.
/// </remarks>
internal sealed class PathIngestion(PathStore paths, ProbeStateStore states, ILogger<PathIngestion> logger)
{
    /// <summary>The newest snapshots of a target the route-change rule reads when a batch brings new ones.</summary>
    internal const int RouteHistory = 48;

    /// <summary>Stores the batch's snapshots and records route changes; a replay writes the same rows.</summary>
    public async Task StoreAsync(PingBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Paths is not { Count: > 0 } snapshots)
        {
            return;
        }

        var carried = batch.Targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var stored = new List<StoredPath>();
        foreach (var snapshot in snapshots)
        {
            if (!carried.Contains(snapshot.Target) && !await states.TargetExistsAsync(batch.ProbeId, snapshot.Target, cancellationToken))
            {
                logger.LogWarning(
                    "Batch {Sequence} of probe {ProbeId}: the path snapshot of {StartedAt:O} is refused: its target {Target} is neither in the batch nor in the probe's catalogue",
                    batch.Sequence, batch.ProbeId, snapshot.StartedAt, snapshot.Target);
                continue;
            }

            if (!await paths.StoreAsync(batch.ProbeId, snapshot.Target, snapshot, cancellationToken))
            {
                logger.LogWarning(
                    "Batch {Sequence} of probe {ProbeId}: the path snapshot of {Target} of {StartedAt:O} is refused: its JSON is over {MaxBytes} bytes",
                    batch.Sequence, batch.ProbeId, snapshot.Target, snapshot.StartedAt, PathStore.MaxSnapshotBytes);
                continue;
            }

            stored.Add(new StoredPath(PathIds.Of(snapshot.StartedAt), batch.ProbeId, snapshot.Target, snapshot));
        }

        foreach (var target in stored.GroupBy(p => p.TargetName, StringComparer.Ordinal))
        {
            await RecordRouteChangesAsync(batch.ProbeId, target.Key, [.. target.Select(p => p.Id)], target.Max(p => p.Snapshot.StartedAt), cancellationToken);
        }
    }

    /// <summary>
    /// Runs the rule over the target's newest snapshots up to the newest of the batch (and the baseline before them, if
    /// none is among them), and records the changes that a snapshot of this batch confirmed.
    /// </summary>
    private async Task RecordRouteChangesAsync(string probeId, string targetName, HashSet<string> newIds, DateTimeOffset newest, CancellationToken cancellationToken)
    {
        var history = (await paths.ListAsync(probeId, targetName, DateTimeOffset.MinValue, newest, RouteHistory, cancellationToken)).Reverse().ToList();
        if (history.Count > 0 && !history.Any(p => p.Reason == PathSnapshotReason.Baseline)
            && await paths.LatestBaselineAsync(probeId, targetName, history[0].Snapshot.StartedAt, cancellationToken) is { } baseline)
        {
            history.Insert(0, baseline);
        }

        foreach (var change in RouteChangeRule.Find(history).Where(c => newIds.Contains(c.SnapshotId)))
        {
            await paths.RecordRouteChangeAsync(change, cancellationToken);
            logger.LogInformation(
                "Route change of {Target} of probe {ProbeId} since {FirstSeenAt:O}: {Hops}",
                targetName, probeId, change.FirstSeenAt, string.Join(", ", change.Hops.Select(h => $"TTL {h.Ttl} {h.OldAddress} -> {h.NewAddress}")));
        }
    }

    /// <summary>
    /// True for a failure a later delivery of the message can get past (storage busy or unreachable); false for a refusal
    /// by the service that no retry changes, after which the snapshot is given up with a log line.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        RequestFailedException => false,
        _ => true,
    };
}

/// <summary>A batch's path snapshots could not be stored for now; the rest of the batch was. The queue retries the message.</summary>
internal sealed class PathStorageException(string message, Exception inner) : Exception(message, inner);
