using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Sends the finished incidents a backlog revealed as one Summary alert: when a batch arrives fresh again (the
/// backlog has caught up) or, failing that, from the watchdog after <see cref="DetectionOptions.SummaryDelay"/>.
/// Callers hold the probe's lock.
/// </summary>
/// <remarks>
/// The incidents marked summarized, the cleared mark and the summary are one commit (<see cref="ProbeCommits"/>):
/// when another instance changed the probe meanwhile nothing is written, and the mark stays for the next flush.
/// </remarks>
internal sealed class SummaryFlusher(IncidentStore incidents, ProbeCommits commits, TimeProvider time, ILogger<SummaryFlusher> logger)
{
    public async Task FlushAsync(ProbeState state, CancellationToken cancellationToken)
    {
        if (!state.SummaryPending)
        {
            return;
        }

        var now = time.GetUtcNow();
        var from = state.SummaryPendingFrom ?? now.AddMonths(-1);
        var pending = (await incidents.ReadAsync(from, now, state.ProbeId, null, cancellationToken))
            .Where(i => i.Announcement == Announcement.Pending)
            .OrderBy(i => i.Start)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
        var done = pending.Select(i => i with { Announcement = Announcement.Summarized }).ToList();
        var byId = done.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var targets = new List<TargetEntity>();
        foreach (var target in state.Targets.Values)
        {
            var snapshot = StoredIncident.FromJson(target.Incidents);
            if (snapshot.Any(i => byId.ContainsKey(i.Id)))
            {
                targets.Add(TargetRows.WithIncidents(target, [.. snapshot.Select(i => byId.GetValueOrDefault(i.Id) ?? i)]));
            }
        }

        var known = done.Concat(state.Targets.Values.SelectMany(t => StoredIncident.FromJson(t.Incidents))).DistinctBy(i => i.Id).ToList();
        var committed = await commits.TryCommitAsync(
            state,
            new ProbeCommit { Targets = targets, ClearSummaryPending = true },
            [.. done.Select(i => new IncidentChange(i, Delete: false, AlertKind.Summary))],
            known,
            cancellationToken);
        if (!committed)
        {
            logger.LogInformation("Summary of probe {ProbeId} not sent: another instance changed the probe's state meanwhile; the next flush sends it", state.ProbeId);
        }
        else if (done.Count > 0)
        {
            logger.LogInformation("Summary of {IncidentCount} finished incident(s) of probe {ProbeId} queued", done.Count, state.ProbeId);
        }
    }
}
