using System.Diagnostics;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>One incident of a decided change: its row to write (or delete) and the alert to raise for it, if any.</summary>
internal sealed record IncidentChange(StoredIncident Incident, bool Delete, AlertKind? Alert);

/// <summary>
/// Commits a decided change of a probe's incidents and then publishes it: the incidents table and the alerts queue
/// follow the conditional write of the probe's partition, never precede it.
/// </summary>
/// <remarks>
/// <para>
/// The commit is one transaction in the probe's partition of the targets table: the target rows (detection's state,
/// each incident already marked with the alert it gets), the probe's row (the partition's version, conditional) and
/// one publication row per incident changed. Only the instance whose commit succeeds publishes: it writes the
/// incidents, queues the alerts and deletes the publication rows. An instance that loses the race wrote nothing and
/// decides again on the new state, so each transition is decided, and each alert queued, once.
/// </para>
/// <para>
/// While publication rows exist nothing else of the probe commits (<see cref="ReadyAsync"/> waits), so incident rows
/// are written in commit order and never overwritten by an older decision. Rows older than
/// <see cref="AbandonedAfter"/> belong to an instance that stopped between commit and publication: another takes them
/// over and publishes them. Publishing again adds no second alert: the outbox keys each notice by its incident and
/// kind, so the insert of a repeat finds the row already there.
/// </para>
/// </remarks>
internal sealed class ProbeCommits(ProbeStateStore states, IncidentStore incidents, IIncidentAnnouncer announcer, TimeProvider time, ILogger<ProbeCommits> logger)
{
    /// <summary>Publication takes milliseconds; rows this old were left by an instance that stopped.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait, in real time, for another instance's publication before giving the message back to the queue.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>The probe's state as stored, with no publication pending: waits for another instance's, takes over an abandoned one.</summary>
    public async Task<ProbeState> ReadyAsync(string probeId, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            var state = await states.GetAsync(probeId, cancellationToken);
            if (state.Publications.Count == 0)
            {
                return state;
            }

            var committedAt = state.Publications.Max(p => p.CommittedAt);
            if (time.GetUtcNow() - committedAt >= AbandonedAfter)
            {
                logger.LogWarning(
                    "Probe {ProbeId}: {Count} incident change(s) committed at {CommittedAt:O} were never published (an instance stopped in between); publishing them now",
                    probeId, state.Publications.Count, committedAt);
                if (await states.TryClaimPublicationsAsync(state, cancellationToken))
                {
                    var changes = state.Publications.OrderBy(p => p.Order).Select(FromRow).ToList();
                    var known = changes.Select(c => c.Incident).Concat(state.Targets.Values.SelectMany(t => StoredIncident.FromJson(t.Incidents)));
                    await PublishAsync(state, changes, known, cancellationToken);
                }

                continue;
            }

            if (waited.Elapsed > MaxWait)
            {
                throw new ProbeStateConflictException(
                    $"probe {probeId}: another instance's change, committed at {committedAt:O}, is still being published after {waited.Elapsed}; the queue will retry the message");
            }

            // Another instance is between its commit and the end of its publication (milliseconds): read again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(20 << Math.Min(attempt, 5), 500)), cancellationToken);
        }
    }

    /// <summary>
    /// Commits the change if the probe's partition is as <paramref name="state"/> read it, then publishes it. False
    /// when it is not (another instance committed first): nothing was written, and the caller decides again.
    /// </summary>
    /// <param name="known">Incidents in which to look for targets grouped under an uplink's incident, for the alerts.</param>
    public async Task<bool> TryCommitAsync(
        ProbeState state, ProbeCommit commit, IReadOnlyList<IncidentChange> changes, IEnumerable<StoredIncident> known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(commit);
        if (state.Publications.Count > 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var rows = changes.Select((c, i) => ToRow(state.ProbeId, c, i, now)).ToList();
        var full = new ProbeCommit
        {
            Targets = commit.Targets,
            DirtyHours = commit.DirtyHours,
            SummaryPendingFrom = commit.SummaryPendingFrom,
            ClearSummaryPending = commit.ClearSummaryPending,
            Status = commit.Status,
            Unretire = commit.Unretire,
            Publications = rows,
        };
        if (!await states.TryCommitAsync(state, full, cancellationToken))
        {
            return false;
        }

        await PublishAsync(state, changes, known, cancellationToken);
        return true;
    }

    private async Task PublishAsync(ProbeState state, IReadOnlyList<IncidentChange> changes, IEnumerable<StoredIncident> known, CancellationToken cancellationToken)
    {
        if (changes.Count > 0)
        {
            await incidents.WriteAsync(
                [.. changes.Where(c => !c.Delete).Select(c => c.Incident)], [.. changes.Where(c => c.Delete).Select(c => c.Incident)], cancellationToken);
            var decisions = changes.Where(c => c.Alert is not null).Select(c => new AnnouncementDecision(c.Alert!.Value, c.Incident)).ToList();
            if (decisions.Count > 0)
            {
                await announcer.AnnounceAsync(decisions, state.Targets, known, cancellationToken);
            }
        }

        await states.FinishPublishingAsync(state, cancellationToken);
    }

    private static PublicationEntity ToRow(string probeId, IncidentChange change, int order, DateTimeOffset now) => new()
    {
        PartitionKey = TableKeys.TargetsPartition(probeId),
        RowKey = TableKeys.PublicationRow(change.Incident.Id),
        ProbeId = probeId,
        Incident = StoredIncident.ToJson(change.Incident),
        Delete = change.Delete,
        Alert = change.Alert?.ToString(),
        Order = order,
        CommittedAt = now,
    };

    private static IncidentChange FromRow(PublicationEntity row) => new(
        StoredIncident.FromJsonSingle(row.Incident) ?? throw new InvalidOperationException($"publication {row.RowKey} of probe {row.ProbeId} holds no incident"),
        row.Delete,
        row.Alert is null ? null : Enum.Parse<AlertKind>(row.Alert));
}

/// <summary>A probe's state kept changing under a decision more often than the attempts allow; the queue retries the message.</summary>
internal sealed class ProbeStateConflictException(string message) : Exception(message);
