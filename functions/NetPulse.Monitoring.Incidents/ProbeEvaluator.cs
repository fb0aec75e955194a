using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>What detection found after one batch: the incidents it recomputed and how they differ from the stored ones.</summary>
internal sealed class ProbeEvaluation
{
    public required string ProbeId { get; init; }

    /// <summary>Every incident the batch's rounds could touch, as recomputed (changed or not), grouping applied.</summary>
    public List<StoredIncident> Current { get; } = [];

    /// <summary>The stored versions of those incidents, by id.</summary>
    public Dictionary<string, StoredIncident> Stored { get; } = new(StringComparer.Ordinal);

    /// <summary>Stored incidents the complete rounds no longer give (they came from rounds with a gap that a late batch filled).</summary>
    public List<StoredIncident> Deleted { get; } = [];

    /// <summary>Each evaluated target's latest round.</summary>
    public Dictionary<string, DateTimeOffset> LastRoundAt { get; } = new(StringComparer.Ordinal);

    /// <summary>Each evaluated target's latest incident of each type after this evaluation.</summary>
    public Dictionary<string, List<StoredIncident>> Snapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>The batches read, oldest first: the batch itself, its prelude and anything later.</summary>
    public List<StoredBatch> Batches { get; init; } = [];

    /// <summary>The range of last rounds the batches were read from: a batch stored there later was not seen.</summary>
    public DateTimeOffset ReadFrom { get; init; }

    /// <inheritdoc cref="ReadFrom"/>
    public DateTimeOffset ReadTo { get; init; }

    public IEnumerable<StoredIncident> Changed =>
        Current.Where(c => !Stored.TryGetValue(c.Id, out var stored) || stored != c);
}

/// <summary>
/// Runs detection for the targets of a batch over the stored rounds in sample time. It starts at the batch's
/// first round with the incidents open there (from the target's state, or the incidents table when the batch
/// is older than the target's latest incident) and a warm prelude before it, then steps through every later
/// round stored: by <see cref="TargetDetector"/>'s property this gives what one in-order run over all rounds
/// gives, whatever order the batches came in.
/// </summary>
internal sealed class ProbeEvaluator(BatchStore batches, IncidentStore incidents, IOptions<DetectionOptions> options, TimeProvider time)
{
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly DetectionOptions _options = options.Value;

    public async Task<ProbeEvaluation> EvaluateAsync(ProbeState state, StoredBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = batch.FirstSampleAt;
        var prelude = batch.Targets.Max(t => _options.Prelude(t.IntervalMs));
        var forwardEnd = Min(batch.LastSampleAt + _options.MaxForwardEvaluation, Max(now, batch.LastSampleAt) + ClockSkewAllowance);
        var read = await batches.ReadAsync(batch.ProbeId, from - prelude, forwardEnd, cancellationToken);
        var names = batch.Targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var rounds = ProbeRounds.Of(read, _options, names);
        var evaluation = new ProbeEvaluation { ProbeId = batch.ProbeId, Batches = read, ReadFrom = from - prelude, ReadTo = forwardEnd };
        var batchSpan = batch.LastSampleAt - batch.FirstSampleAt + TimeSpan.FromMinutes(1);

        var perTarget = new Dictionary<string, List<StoredIncident>>(StringComparer.Ordinal);
        foreach (var target in batch.Targets)
        {
            var targetRounds = rounds.GetValueOrDefault(target.Name) ?? [];
            var snapshot = StoredIncident.FromJson(state.Targets.GetValueOrDefault(target.Name)?.Incidents);
            var inScope = await InScopeAsync(batch.ProbeId, target.Name, snapshot, from, now, cancellationToken);

            // Past the rounds read (a batch more than MaxForwardEvaluation older than the newest) nothing is decided again.
            var readUntil = targetRounds.Count > 0 ? targetRounds[^1].Time : from;
            inScope.RemoveAll(i => i.OpenedAt > readUntil);
            foreach (var stored in inScope)
            {
                evaluation.Stored[stored.Id] = stored;
            }

            var recomputed = await DetectAsync(batch.ProbeId, target.Name, targetRounds, inScope, from, batchSpan, cancellationToken);
            for (var i = 0; i < recomputed.Count; i++)
            {
                if (recomputed[i].IsOpen && evaluation.Stored.GetValueOrDefault(recomputed[i].Id) is { ClosedAt: { } closedAt } stored && closedAt > readUntil)
                {
                    recomputed[i] = recomputed[i] with { End = stored.End, ClosedAt = stored.ClosedAt, PeakValue = stored.PeakValue };
                }
            }

            perTarget[target.Name] = recomputed;
            if (targetRounds.Count > 0)
            {
                evaluation.LastRoundAt[target.Name] = targetRounds[^1].Time;
            }

            var kept = recomputed.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            evaluation.Deleted.AddRange(inScope.Where(i => !kept.Contains(i.Id)));
        }

        var uplinkDowns = UplinkDowns(batch, state, perTarget);
        foreach (var target in batch.Targets)
        {
            foreach (var incident in perTarget[target.Name])
            {
                var grouped = target.Uplink || incident.Type != IncidentType.Down ? null : UplinkIncidentCovering(uplinkDowns, incident);
                evaluation.Current.Add(incident with { GroupedUnderIncidentId = grouped?.Id });
            }
        }

        foreach (var target in batch.Targets)
        {
            var snapshot = StoredIncident.FromJson(state.Targets.GetValueOrDefault(target.Name)?.Incidents);
            evaluation.Snapshots[target.Name] = Latest(snapshot, evaluation.Deleted, evaluation.Current.Where(i => i.TargetName == target.Name));
        }

        return evaluation;
    }

    /// <summary>The latest incident of each type, after deletions and recomputed versions are applied to a snapshot.</summary>
    internal static List<StoredIncident> Latest(IEnumerable<StoredIncident> snapshot, IEnumerable<StoredIncident> deleted, IEnumerable<StoredIncident> current)
    {
        var byId = snapshot.ToDictionary(i => i.Id, StringComparer.Ordinal);
        foreach (var gone in deleted)
        {
            byId.Remove(gone.Id);
        }

        foreach (var incident in current)
        {
            byId[incident.Id] = incident;
        }

        return [.. byId.Values
            .GroupBy(i => i.Type)
            .Select(g => g.OrderByDescending(i => i.Start).First())
            .OrderBy(i => i.Type)];
    }

    /// <summary>
    /// The stored incidents of a target that rounds from <paramref name="from"/> on can change: those still open
    /// or closed at or after it. The target's state holds the latest of each type, which is enough unless the
    /// batch is older than one of them; then the incidents table is read.
    /// </summary>
    private async Task<List<StoredIncident>> InScopeAsync(
        string probeId, string targetName, IReadOnlyList<StoredIncident> snapshot, DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IEnumerable<StoredIncident> candidates = snapshot;
        if (snapshot.Any(i => i.OpenedAt >= from))
        {
            var stored = await incidents.ReadAsync(from.AddMonths(-1), Max(now, from), probeId, targetName, cancellationToken);
            candidates = stored.Where(i => !IncidentKind.Of(i.Type).OfProbe).UnionBy(snapshot, i => i.Id);
        }

        return [.. candidates.Where(i => i.ClosedAt is null || i.ClosedAt >= from).OrderBy(i => i.OpenedAt)];
    }

    private async Task<List<StoredIncident>> DetectAsync(
        string probeId, string targetName, List<Round> rounds, List<StoredIncident> inScope, DateTimeOffset from, TimeSpan batchSpan,
        CancellationToken cancellationToken)
    {
        // One open incident per type at a time; should a race between two instances ever have left two, the later one goes on.
        var carried = inScope.Where(i => i.IsOpenBefore(from))
            .GroupBy(i => i.Type)
            .Select(g => g.OrderByDescending(i => i.OpenedAt).First())
            .ToDictionary(i => i.Type);
        var detector = new TargetDetector(_options, carried.Values.Select(i => (i.Type, i.Start, i.OpenedAt, i.Threshold ?? 0)));
        foreach (var round in rounds)
        {
            if (round.Time < from)
            {
                detector.Warm(round);
            }
            else
            {
                detector.Step(round);
            }
        }

        var stored = inScope.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var result = new List<StoredIncident>();
        foreach (var found in detector.Incidents)
        {
            if (found.CarriedIn)
            {
                var before = carried[found.Type];
                var peak = before.PeakValue;
                if (found.End is { } end && (before.End != found.End || from < end))
                {
                    // New rounds inside a closed incident: its peak is taken over all its rounds again.
                    peak = await ScanPeakAsync(probeId, targetName, before, end, found.ClosedAt!.Value, rounds, batchSpan, cancellationToken);
                }

                result.Add(before with { End = found.End, ClosedAt = found.ClosedAt, PeakValue = peak });
                continue;
            }

            var id = IncidentIds.Create(probeId, targetName, found.Type, found.Start);
            result.Add(new StoredIncident
            {
                Id = id,
                ProbeId = probeId,
                TargetName = targetName,
                Type = found.Type,
                Start = found.Start,
                OpenedAt = found.OpenedAt,
                End = found.End,
                ClosedAt = found.ClosedAt,
                PeakValue = found.Peak,
                Threshold = found.Threshold,
                Announcement = stored.TryGetValue(id, out var previous) ? previous.Announcement : Announcement.None,
                MaintenanceWindowId = previous?.MaintenanceWindowId,
            });
        }

        return result;
    }

    /// <summary>
    /// The peak of an incident that opened before the rounds at hand: detection runs again from its start
    /// (or the last <see cref="DetectionOptions.PeakScanLimit"/> of it) to the round that closed it.
    /// </summary>
    private async Task<double?> ScanPeakAsync(
        string probeId, string targetName, StoredIncident incident, DateTimeOffset end, DateTimeOffset closedAt, List<Round> known, TimeSpan batchSpan,
        CancellationToken cancellationToken)
    {
        var scanFrom = Max(incident.Start, end - _options.PeakScanLimit);
        var interval = known.Count > 0 ? known.Max(r => r.IntervalMs) : 1000;
        var warmFrom = scanFrom - _options.Prelude(interval);
        var rounds = known.Count > 0 && known[0].Time <= warmFrom
            ? known
            : ProbeRounds.Of(await batches.ReadAsync(probeId, warmFrom, closedAt + batchSpan, cancellationToken), _options, new HashSet<string>([targetName], StringComparer.Ordinal))
                .GetValueOrDefault(targetName) ?? [];
        var detector = new TargetDetector(_options, [(incident.Type, incident.Start, incident.OpenedAt, incident.Threshold ?? 0)]);
        foreach (var round in rounds.Where(r => r.Time >= warmFrom && r.Time <= closedAt))
        {
            if (round.Time < scanFrom)
            {
                detector.Warm(round);
            }
            else
            {
                detector.Step(round);
            }
        }

        return detector.Incidents[0].Peak;
    }

    private static List<StoredIncident> UplinkDowns(StoredBatch batch, ProbeState state, Dictionary<string, List<StoredIncident>> perTarget)
    {
        var downs = new Dictionary<string, StoredIncident>(StringComparer.Ordinal);
        foreach (var uplink in batch.Targets.Where(t => t.Uplink))
        {
            foreach (var incident in StoredIncident.FromJson(state.Targets.GetValueOrDefault(uplink.Name)?.Incidents).Concat(perTarget[uplink.Name]))
            {
                if (incident.Type == IncidentType.Down)
                {
                    downs[incident.Id] = incident;
                }
            }
        }

        return [.. downs.Values.OrderBy(i => i.Start)];
    }

    private StoredIncident? UplinkIncidentCovering(List<StoredIncident> uplinkDowns, StoredIncident incident)
    {
        var tolerance = _options.UplinkGroupingTolerance;
        return uplinkDowns.FirstOrDefault(u => u.Start - tolerance <= incident.Start && (u.End is null || incident.Start <= u.End.Value + tolerance));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
