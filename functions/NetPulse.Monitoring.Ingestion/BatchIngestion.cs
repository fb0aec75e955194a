using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// Stores a decoded batch and brings catalogue, incidents and alerts up to date with it.
/// </summary>
/// <remarks>
/// Requests per batch in the steady state: one write (the batch entity) and one range read (the rounds detection
/// needs); the catalogue and incident state come from memory. Everything else is written only when it changes:
/// a target's settings, a new target, an incident opening or closing (then the incidents' month partition and the
/// probe's targets partition, one transaction each, the alert, and the same two again to record the announcement).
/// Every write is an upsert of content computed from the stored rounds, so a replay writes the same again.
/// </remarks>
internal sealed class BatchIngestion(
    MonitoringTables tables,
    BatchStore batches,
    ProbeStateStore states,
    ProbeEvaluator evaluator,
    IncidentStore incidents,
    IIncidentAnnouncer announcer,
    SummaryFlusher summaries,
    ProbeLocks locks,
    IOptions<DetectionOptions> detection,
    IOptions<CompactionOptions> compaction,
    TimeProvider time,
    ILogger<BatchIngestion> logger)
{
    /// <summary>Room for clocks of different instances when deciding whether compaction may have passed a batch by.</summary>
    private static readonly TimeSpan LateMargin = TimeSpan.FromSeconds(15);

    public async Task IngestAsync(PingBatch message, CancellationToken cancellationToken)
    {
        var batch = StoredBatch.From(message);
        await tables.EnsureCreatedAsync(cancellationToken);
        await batches.WriteAsync(batch, cancellationToken);

        using var held = await locks.EnterAsync(batch.ProbeId, cancellationToken);
        try
        {
            await UpdateAsync(message, batch, cancellationToken);
        }
        catch
        {
            // Part of the state may be written: let the retry read what the tables hold.
            states.Forget(batch.ProbeId);
            throw;
        }
    }

    private async Task UpdateAsync(PingBatch message, StoredBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await states.GetAsync(batch.ProbeId, cancellationToken);
        var evaluation = await evaluator.EvaluateAsync(state, batch, cancellationToken);

        var changedIncidents = evaluation.Changed.ToList();
        if (changedIncidents.Count > 0 || evaluation.Deleted.Count > 0)
        {
            await incidents.WriteAsync(changedIncidents, evaluation.Deleted, cancellationToken);
            logger.LogInformation(
                "Batch {Sequence} of probe {ProbeId}: {ChangedCount} incident(s) opened, closed or changed, {DeletedCount} withdrawn",
                batch.Sequence, batch.ProbeId, changedIncidents.Count, evaluation.Deleted.Count);
        }

        var changedTargets = CatalogueChanges(message, batch, state, evaluation);
        var dirtyHours = batch.FirstSampleAt < now - compaction.Value.SettleDelay + LateMargin ? HoursOf(batch) : [];
        if (changedTargets.Count > 0 || dirtyHours.Count > 0 || !state.ProbeRowExists)
        {
            await states.SaveAsync(state, changedTargets, dirtyHours, cancellationToken);
        }

        var uplinks = evaluation.Current.Concat(evaluation.Snapshots.Values.SelectMany(s => s))
            .Where(i => i.Type == IncidentType.Down && state.Targets.GetValueOrDefault(i.TargetName)?.ToSettings().Uplink == true)
            .DistinctBy(i => i.Id)
            .ToDictionary(i => i.Id, StringComparer.Ordinal);
        var decisions = AnnouncementRules.Decide(evaluation.Current, evaluation.Deleted, evaluation.LastRoundAt, uplinks, now, detection.Value);
        if (decisions.Count > 0)
        {
            await AnnounceAsync(state, evaluation, decisions, cancellationToken);
        }

        // A fresh batch means any backlog has caught up: what it revealed goes out now, in one summary.
        if (state.SummaryPending && batch.LastSampleAt >= now - detection.Value.AlertFreshness)
        {
            await summaries.FlushAsync(state, cancellationToken);
        }
    }

    private async Task AnnounceAsync(ProbeState state, ProbeEvaluation evaluation, List<AnnouncementDecision> decisions, CancellationToken cancellationToken)
    {
        // The mark first: a crash after it leaves a summary with nothing to say, never incidents nobody will summarize.
        var pending = decisions.Where(d => d.Incident.Announcement == Announcement.Pending).ToList();
        if (pending.Count > 0)
        {
            await states.MarkSummaryPendingAsync(state, pending.Min(d => d.Incident.Start), cancellationToken);
        }

        await announcer.AnnounceAsync(decisions, state.Targets, evaluation.Current.Concat(evaluation.Snapshots.Values.SelectMany(s => s)).DistinctBy(i => i.Id), cancellationToken);

        // Recorded after the alert is on the queue: a crash in between sends it again (SendAlert drops repeats by
        // incident id) rather than never.
        var currentIds = evaluation.Current.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var announced = decisions.Select(d => d.Incident).Where(i => currentIds.Contains(i.Id)).ToList();
        await incidents.WriteAsync(announced, [], cancellationToken);
        var announcedById = announced.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var targetsAnnounced = new List<TargetEntity>();
        foreach (var (name, snapshot) in evaluation.Snapshots)
        {
            if (snapshot.Any(i => announcedById.ContainsKey(i.Id)))
            {
                var updated = snapshot.Select(i => announcedById.GetValueOrDefault(i.Id) ?? i).ToList();
                targetsAnnounced.Add(TargetRows.WithIncidents(state.Targets[name], updated));
            }
        }

        await states.SaveAsync(state, targetsAnnounced, [], cancellationToken);
    }

    /// <summary>
    /// Target rows to write: new targets, settings from the newest batch that names the target (so shuffled
    /// batches settle on the same row), an earlier first round, and a changed incident state.
    /// </summary>
    private static List<TargetEntity> CatalogueChanges(PingBatch message, StoredBatch batch, ProbeState state, ProbeEvaluation evaluation)
    {
        var changed = new List<TargetEntity>();
        foreach (var target in message.Targets)
        {
            var firstSample = batch.Targets.First(t => t.Name == target.Name).Samples[0].Time;
            var existing = state.Targets.GetValueOrDefault(target.Name);
            var isNewest = !evaluation.Batches.Any(b =>
                (b.LastSampleAt, b.Sequence).CompareTo((batch.LastSampleAt, batch.Sequence)) > 0 && b.Targets.Any(t => t.Name == target.Name));
            var row = existing is null || isNewest ? WithSettings(existing, batch.ProbeId, target) : existing.Copy();
            row.FirstSampleAt = existing is null || firstSample < existing.FirstSampleAt ? firstSample : existing.FirstSampleAt;
            var snapshot = evaluation.Snapshots.GetValueOrDefault(target.Name);
            row.Incidents = snapshot is null ? existing?.Incidents : TargetRows.IncidentsJson(snapshot);
            if (existing is null || !SameRow(existing, row))
            {
                changed.Add(row);
            }
        }

        return changed;
    }

    private static TargetEntity WithSettings(TargetEntity? existing, string probeId, TargetSamples target) => new()
    {
        PartitionKey = TableKeys.TargetsPartition(probeId),
        RowKey = TableKeys.TargetRow(TableKeys.TargetKey(target.Name)),
        ProbeId = probeId,
        Name = target.Name,
        Settings = target.ToJson(),
        FirstSampleAt = existing?.FirstSampleAt ?? default,
        Incidents = existing?.Incidents,
    };

    private static bool SameRow(TargetEntity a, TargetEntity b) =>
        a.Name == b.Name && a.Settings == b.Settings && a.FirstSampleAt == b.FirstSampleAt && a.Incidents == b.Incidents;

    private static List<DateTimeOffset> HoursOf(StoredBatch batch)
    {
        var hours = new List<DateTimeOffset>();
        for (var hour = TableKeys.HourOf(batch.FirstSampleAt); hour <= batch.LastSampleAt; hour = hour.AddHours(1))
        {
            hours.Add(hour);
        }

        return hours;
    }
}
