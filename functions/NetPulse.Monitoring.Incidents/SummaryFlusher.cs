using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Sends the finished incidents a backlog revealed as one Summary alert: when a batch arrives fresh again (the
/// backlog has caught up) or, failing that, from the watchdog after <see cref="DetectionOptions.SummaryDelay"/>.
/// Callers hold the probe's lock.
/// </summary>
internal sealed class SummaryFlusher(IncidentStore incidents, ProbeStateStore states, IIncidentAnnouncer announcer, TimeProvider time, ILogger<SummaryFlusher> logger)
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
        if (pending.Count > 0)
        {
            var done = pending.Select(i => i with { Announcement = Announcement.Summarized }).ToList();
            var snapshots = state.Targets.Values.SelectMany(t => StoredIncident.FromJson(t.Incidents));
            await announcer.AnnounceAsync(
                [.. done.Select(i => new AnnouncementDecision(AlertKind.Summary, i))], state.Targets, done.Concat(snapshots).DistinctBy(i => i.Id), cancellationToken);

            // Recorded after the alert is on the queue: a crash in between repeats the summary rather than losing it.
            await incidents.WriteAsync(done, [], cancellationToken);
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

            await states.SaveAsync(state, targets, [], cancellationToken);
            logger.LogInformation("Summary of {IncidentCount} finished incident(s) of probe {ProbeId} queued", done.Count, state.ProbeId);
        }

        await states.ClearSummaryPendingAsync(state, cancellationToken);
    }
}
