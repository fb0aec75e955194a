using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// Stores a decoded batch and brings catalogue, incidents and alerts up to date with it.
/// </summary>
/// <remarks>
/// <para>
/// Requests per batch in the steady state: one write (the batch entity), one point read (is this instance's copy of
/// the probe's state current?) and one range read (the rounds detection needs). The maintenance windows are read
/// (and cached) only when an incident may be muted or unmuted by them (<see cref="AnnouncementRules.AsksMaintenance"/>). Everything else is written only when
/// it changes: a target's settings, a new target, an incident opening, closing or being announced. Then one
/// conditional transaction in the probe's partition commits the decision, and the incidents table and the alerts
/// queue follow it (<see cref="ProbeCommits"/>).
/// </para>
/// <para>
/// Several instances ingest one probe's batches at once. A decision made on state that another instance changed
/// meanwhile fails to commit and is made again here on what is stored, up to <see cref="MaxAttempts"/> times. A
/// committed decision whose rounds missed a batch stored meanwhile (its instance decided on the state before this
/// commit) is made again too, so no batch's rounds go undecided.
/// </para>
/// </remarks>
internal sealed class BatchIngestion(
    MonitoringTables tables,
    BatchStore batches,
    ProbeStateStore states,
    ProbeEvaluator evaluator,
    ProbeCommits commits,
    SummaryFlusher summaries,
    ProbeLocks locks,
    BatchLimits limits,
    MaintenanceStore maintenance,
    PathIngestion paths,
    IOptions<DetectionOptions> detection,
    IOptions<CompactionOptions> compaction,
    TimeProvider time,
    ILogger<BatchIngestion> logger)
{
    /// <summary>Decisions made again on a conflict before the message goes back to the queue.</summary>
    internal const int MaxAttempts = 8;

    /// <summary>Room for clocks of different instances when deciding whether compaction may have passed a batch by.</summary>
    private static readonly TimeSpan LateMargin = TimeSpan.FromSeconds(15);

    public async Task IngestAsync(PingBatch message, CancellationToken cancellationToken)
    {
        // When it arrived tells the watchdog that a probe sending an old backlog is not silent.
        var batch = StoredBatch.From(message) with { ReceivedAt = time.GetUtcNow() };
        await tables.EnsureCreatedAsync(cancellationToken);
        // A refusal is logged once, with the message id, where it is moved to the poison queue (IngestBatchHandler.ReceiveAsync).
        await limits.CheckAsync(message, batch, cancellationToken);

        await batches.WriteAsync(batch, cancellationToken);
        limits.Accepted(batch);

        // Paths after the samples are safe and before detection, so an alert this batch raises finds a snapshot it
        // brought; a snapshot that could not be stored for now never holds the batch's incidents and alerts back.
        var pathFailure = await StorePathsAsync(message, cancellationToken);

        using (await locks.EnterAsync(batch.ProbeId, cancellationToken))
        {
            try
            {
                await UpdateAsync(message, batch, cancellationToken);
            }
            catch
            {
                // Let the retry read what the tables hold.
                states.Forget(batch.ProbeId);
                throw;
            }
        }

        if (pathFailure is not null)
        {
            // Everything else of the batch is done; the queue delivers the message again for its snapshots, and the
            // batch's replay changes nothing.
            throw new PathStorageException($"batch {message.Sequence} of probe {message.ProbeId}: its path snapshots could not be stored yet; the queue will retry the message", pathFailure);
        }
    }

    /// <summary>Stores the batch's path snapshots; the failure a retry can get past, else null (a refusal is logged and dropped).</summary>
    private async Task<Exception?> StorePathsAsync(PingBatch message, CancellationToken cancellationToken)
    {
        try
        {
            await paths.StoreAsync(message, cancellationToken);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            if (PathIngestion.IsTransient(ex))
            {
                logger.LogWarning(ex, "Batch {Sequence} of probe {ProbeId}: its path snapshots could not be stored; its rounds go on and the message is retried for them", message.Sequence, message.ProbeId);
                return ex;
            }

            logger.LogWarning("Batch {Sequence} of probe {ProbeId}: storage refused its path snapshots, which are given up: {Reason}", message.Sequence, message.ProbeId, ex.Message);
            return null;
        }
    }

    private async Task UpdateAsync(PingBatch message, StoredBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // Read (cached for NetPulse:Maintenance:CacheDuration) only when an incident asks for them: the cache lasts
        // about one calm window, so reading them for every batch cost a query per calm batch that decided nothing.
        IReadOnlyList<MaintenanceWindow>? windows = null;
        ProbeState state;
        for (var attempt = 1; ; attempt++)
        {
            state = await commits.ReadyAsync(batch.ProbeId, cancellationToken);
            var evaluation = await evaluator.EvaluateAsync(state, batch, cancellationToken);
            if (windows is null && evaluation.Current.Any(AnnouncementRules.AsksMaintenance))
            {
                windows = await maintenance.CurrentAsync(cancellationToken);
            }

            var decision = Decide(message, batch, state, evaluation, now, windows ?? []);
            if (decision is null)
            {
                break;
            }

            if (decision.Commit is null)
            {
                await states.MarkDirtyHoursAsync(batch.ProbeId, decision.DirtyHours, cancellationToken);
                break;
            }

            string again;
            if (await commits.TryCommitAsync(state, decision.Commit, decision.Changes, decision.Known, cancellationToken))
            {
                if (decision.Changes.Count > 0)
                {
                    logger.LogInformation(
                        "Batch {Sequence} of probe {ProbeId}: {ChangedCount} incident(s) opened, closed, changed or announced, {DeletedCount} withdrawn",
                        batch.Sequence, batch.ProbeId, decision.Changes.Count(c => !c.Delete), decision.Changes.Count(c => c.Delete));
                }

                if (!await MissedBatchesAsync(batch.ProbeId, evaluation, cancellationToken))
                {
                    break;
                }

                again = "batches were stored while it was decided";
            }
            else
            {
                again = "another instance changed the probe's state first";

                // Instances that collided would otherwise come back in step: a few milliseconds apart, one goes first.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), cancellationToken);
            }

            if (attempt == MaxAttempts)
            {
                throw new ProbeStateConflictException(
                    $"batch {batch.Sequence} of probe {batch.ProbeId}: {again}, {MaxAttempts} times in a row; the queue will retry the message");
            }

            logger.LogInformation(
                "Batch {Sequence} of probe {ProbeId}: {Reason}; deciding again (attempt {Attempt} of {MaxAttempts})",
                batch.Sequence, batch.ProbeId, again, attempt + 1, MaxAttempts);
        }

        // The probe's row keeps its status only when it changed meaningfully and no commit took it along (cost: no
        // write per batch; the batch's own column has the exact figures), and a retired probe that sends again is back.
        var unretire = Unretires(state.RetiredAt, batch);
        var statusChanged = ProbeStatusJson.ChangedMeaningfully(state.Status, message.Status);
        if ((unretire || statusChanged) && !await states.TryUpdateProbeRowAsync(state, statusChanged ? message.Status : null, unretire, cancellationToken))
        {
            logger.LogInformation("Batch {Sequence} of probe {ProbeId}: its status is kept with a later batch (the probe's row changed meanwhile)", batch.Sequence, batch.ProbeId);
        }

        // A fresh batch means any backlog has caught up: what it revealed goes out now, in one summary.
        if (state.SummaryPending && batch.LastSampleAt >= now - detection.Value.AlertFreshness)
        {
            await summaries.FlushAsync(state, cancellationToken);
        }
    }

    /// <summary>What a batch changes: null when nothing.</summary>
    private Decision? Decide(
        PingBatch message, StoredBatch batch, ProbeState state, ProbeEvaluation evaluation, DateTimeOffset now, IReadOnlyList<MaintenanceWindow> windows)
    {
        var uplinks = evaluation.Current.Concat(evaluation.Snapshots.Values.SelectMany(s => s))
            .Where(i => i.Type == IncidentType.Down && state.Targets.GetValueOrDefault(i.TargetName)?.ToSettings().Uplink == true)
            .DistinctBy(i => i.Id)
            .ToDictionary(i => i.Id, StringComparer.Ordinal);
        var decisions = AnnouncementRules.Decide(
            evaluation.Current, evaluation.Deleted, evaluation.LastRoundAt, uplinks, now, detection.Value,
            (incident, at) => MaintenanceCalendar.WindowAt(
                windows, incident.ProbeId, incident.TargetName, state.Targets.GetValueOrDefault(incident.TargetName)?.ToSettings().Category, at));

        // Each incident goes into the commit as it will be once announced: the decision and its alert are one write.
        var decided = decisions.ToDictionary(d => d.Incident.Id, StringComparer.Ordinal);
        var current = evaluation.Current.Select(i => decided.GetValueOrDefault(i.Id)?.Incident ?? i).ToList();
        var changes = current
            .Where(i => !evaluation.Stored.TryGetValue(i.Id, out var stored) || stored != i)
            .Select(i => new IncidentChange(i, Delete: false, decided.GetValueOrDefault(i.Id)?.Kind))
            .Concat(evaluation.Deleted.Select(i => decided.TryGetValue(i.Id, out var d) ? new IncidentChange(d.Incident, true, d.Kind) : new IncidentChange(i, true, null)))
            .ToList();
        var announced = current.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var snapshots = evaluation.Snapshots.ToDictionary(
            s => s.Key, s => (IReadOnlyList<StoredIncident>)[.. s.Value.Select(i => announced.GetValueOrDefault(i.Id) ?? i)], StringComparer.Ordinal);

        var changedTargets = CatalogueChanges(message, batch, state, evaluation, snapshots);
        var dirtyHours = batch.FirstSampleAt < now - compaction.Value.SettleDelay + LateMargin ? HoursOf(batch) : [];
        var pending = decisions.Where(d => d.Incident.Announcement == Announcement.Pending).ToList();
        DateTimeOffset? summaryFrom = pending.Count > 0 ? pending.Min(d => d.Incident.Start) : null;
        var summaryUnchanged = summaryFrom is null || (state.SummaryPending && state.SummaryPendingFrom is { } from && from <= summaryFrom);
        if (changes.Count == 0 && changedTargets.Count == 0 && state.ProbeRowExists && summaryUnchanged)
        {
            // Nothing decided: compaction markers alone go without a commit, so they never race another instance's.
            return dirtyHours.Count == 0 ? null : new Decision(null, [], [], dirtyHours);
        }

        return new Decision(
            new ProbeCommit
            {
                Targets = changedTargets,
                DirtyHours = dirtyHours,
                SummaryPendingFrom = summaryUnchanged ? null : summaryFrom,

                // The probe's row is written anyway: its status and return from retirement ride along for free.
                Status = message.Status,
                Unretire = Unretires(state.RetiredAt, batch),
            },
            changes,
            [.. current, .. snapshots.Values.SelectMany(s => s)],
            dirtyHours);
    }

    /// <summary>A retired probe or target is back when a batch brings rounds after its retirement (a late backlog does not).</summary>
    private static bool Unretires(DateTimeOffset? retiredAt, StoredBatch batch) => retiredAt is { } at && batch.LastSampleAt > at;

    /// <summary>True when a batch was stored in the range the evaluation read after it read it.</summary>
    private async Task<bool> MissedBatchesAsync(string probeId, ProbeEvaluation evaluation, CancellationToken cancellationToken)
    {
        var seen = evaluation.Batches.Select(b => (b.Sequence, b.LastSampleAt)).ToHashSet();
        var now = await batches.ReadAsync(probeId, evaluation.ReadFrom, evaluation.ReadTo, cancellationToken);
        return now.Any(b => !seen.Contains((b.Sequence, b.LastSampleAt)));
    }

    /// <summary>A commit, or (<see cref="Commit"/> null) only compaction markers to note.</summary>
    private sealed record Decision(ProbeCommit? Commit, List<IncidentChange> Changes, List<StoredIncident> Known, List<DateTimeOffset> DirtyHours);

    /// <summary>
    /// Target rows to write: new targets, settings from the newest batch that names the target (so shuffled
    /// batches settle on the same row), an earlier first round, and a changed incident state.
    /// </summary>
    private static List<TargetEntity> CatalogueChanges(
        PingBatch message, StoredBatch batch, ProbeState state, ProbeEvaluation evaluation, Dictionary<string, IReadOnlyList<StoredIncident>> snapshots)
    {
        var changed = new List<TargetEntity>();
        foreach (var target in message.Targets)
        {
            var samples = batch.Targets.First(t => t.Name == target.Name).Samples;
            var firstSample = samples[0].Time;
            var existing = state.Targets.GetValueOrDefault(target.Name);
            var isNewest = !evaluation.Batches.Any(b =>
                (b.LastSampleAt, b.Sequence).CompareTo((batch.LastSampleAt, batch.Sequence)) > 0 && b.Targets.Any(t => t.Name == target.Name));
            var row = existing is null || isNewest ? WithSettings(existing, batch.ProbeId, target) : existing.Copy();
            row.FirstSampleAt = existing is null || firstSample < existing.FirstSampleAt ? firstSample : existing.FirstSampleAt;
            var snapshot = snapshots.GetValueOrDefault(target.Name);
            row.Incidents = snapshot is null ? existing?.Incidents : TargetRows.IncidentsJson(snapshot);
            row.RetiredAt = existing?.RetiredAt is { } retiredAt && samples[^1].Time > retiredAt ? null : existing?.RetiredAt;
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
        a.Name == b.Name && a.Settings == b.Settings && a.FirstSampleAt == b.FirstSampleAt && a.Incidents == b.Incidents && a.RetiredAt == b.RetiredAt;

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
