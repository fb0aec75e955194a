using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>A target's health as its open incidents say.</summary>
public enum TargetHealth
{
    /// <summary>No round stored yet.</summary>
    Unknown,
    Up,
    /// <summary>A latency or loss incident is open.</summary>
    Degraded,
    /// <summary>A down incident is open.</summary>
    Down,
}

/// <summary>A probe: when it was last heard from and where compaction stands.</summary>
public sealed record ProbeStatus
{
    public required string ProbeId { get; init; }

    /// <summary>The time of the newest round stored (null when none within the watchdog's lookback).</summary>
    public DateTimeOffset? LastSampleAt { get; init; }

    public DateTimeOffset? CompactedThrough { get; init; }

    /// <summary>The open probe-silent incident, if any.</summary>
    public Incident? SilentIncident { get; init; }

    public int TargetCount { get; init; }

    /// <summary>When its newest batch arrived (by the backend's clock); null when none within the lookback.</summary>
    public DateTimeOffset? LastReceivedAt { get; init; }

    /// <summary>Targets its newest batch named (the ones it pings now); null when no batch within the lookback.</summary>
    public int? BatchTargetCount { get; init; }

    /// <summary>What the probe last said of itself: its newest batch's status, else the last one its row keeps.</summary>
    public Contracts.ProbeStatus? Reported { get; init; }

    /// <summary>When it was retired; null when it is not.</summary>
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>A target from a probe's catalogue with its current state.</summary>
public sealed record TargetStatus
{
    public required string ProbeId { get; init; }

    /// <summary>As the probe's newest batch that named the target configured it. Text from config: escape it.</summary>
    public required TargetSettings Settings { get; init; }

    public string Name => Settings.Name;

    public DateTimeOffset FirstSampleAt { get; init; }

    public TargetHealth Health { get; init; }

    public IReadOnlyList<Incident> OpenIncidents { get; init; } = [];

    /// <summary>The target's newest stored round, from the probe's newest batch (null when that batch did not name it).</summary>
    public Sample? LastSample { get; init; }

    /// <summary>When the target was retired; null when it is not.</summary>
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>
/// The probes and their targets' catalogue and health. A target's live figures (its last round) come from the
/// probe's newest batch rather than a row written per batch: one read here saves a write per batch.
/// </summary>
public sealed class TargetReader
{
    private const int NewestBatchLookbackDays = 2;

    private readonly ProbeStateStore _states;
    private readonly BatchStore _batches;
    private readonly TimeProvider _time;

    internal TargetReader(ProbeStateStore states, BatchStore batches, TimeProvider time)
    {
        _states = states;
        _batches = batches;
        _time = time;
    }

    public async Task<IReadOnlyList<ProbeStatus>> GetProbesAsync(CancellationToken cancellationToken = default)
    {
        var probes = new List<ProbeStatus>();
        foreach (var probe in await _states.ReadAllAsync(cancellationToken))
        {
            probes.Add(Status(probe, await NewestAsync(probe, cancellationToken)));
        }

        return probes;
    }

    /// <summary>
    /// The probes and targets the overview and the ranking show: neither a retired probe nor a retired target nor a
    /// target of a retired probe (their pages, incidents and reports keep them). One read of the states and of each
    /// probe's newest batch serves both lists.
    /// </summary>
    public async Task<(IReadOnlyList<ProbeStatus> Probes, IReadOnlyList<TargetStatus> Targets)> GetActiveAsync(CancellationToken cancellationToken = default)
    {
        var probes = new List<ProbeStatus>();
        var targets = new List<TargetStatus>();
        foreach (var probe in await _states.ReadAllAsync(cancellationToken))
        {
            if (probe.RetiredAt is not null)
            {
                continue;
            }

            var newest = await NewestAsync(probe, cancellationToken);
            probes.Add(Status(probe, newest));
            targets.AddRange(Targets(probe, newest).Where(t => t.RetiredAt is null));
        }

        return (probes, targets);
    }

    /// <summary>The targets of one probe or all, ordered by probe and name.</summary>
    /// <exception cref="UnknownTargetException">A probe id was given and no batch ever came from it.</exception>
    public async Task<IReadOnlyList<TargetStatus>> GetTargetsAsync(string? probeId = null, CancellationToken cancellationToken = default)
    {
        List<ProbeState> probes;
        if (probeId is null)
        {
            probes = await _states.ReadAllAsync(cancellationToken);
        }
        else
        {
            var probe = await _states.ReadAsync(probeId, cancellationToken);
            probes = probe.ProbeRowExists ? [probe] : throw new UnknownTargetException($"no batch ever came from probe '{probeId}'");
        }

        var targets = new List<TargetStatus>();
        foreach (var probe in probes)
        {
            targets.AddRange(Targets(probe, await NewestAsync(probe, cancellationToken)));
        }

        return targets;
    }

    private Task<StoredBatch?> NewestAsync(ProbeState probe, CancellationToken cancellationToken) =>
        _batches.NewestAsync(probe.ProbeId, _time.GetUtcNow(), NewestBatchLookbackDays, cancellationToken);

    private static ProbeStatus Status(ProbeState probe, StoredBatch? newest) => new()
    {
        ProbeId = probe.ProbeId,
        LastSampleAt = newest?.LastSampleAt,
        CompactedThrough = probe.CompactedThrough,
        SilentIncident = StoredIncident.FromJsonSingle(probe.SilentIncident) is { IsOpen: true } silent ? silent.ToIncident() : null,
        TargetCount = probe.Targets.Count,
        LastReceivedAt = newest?.ReceivedAt,
        BatchTargetCount = newest?.Targets.Count,
        Reported = newest?.Status ?? probe.Status,
        RetiredAt = probe.RetiredAt,
    };

    /// <summary>The probe's targets ordered by name, their last round from its newest batch.</summary>
    private static IEnumerable<TargetStatus> Targets(ProbeState probe, StoredBatch? newest)
    {
        foreach (var target in probe.Targets.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var open = StoredIncident.FromJson(target.Incidents).Where(i => i.IsOpen).ToList();
            var last = newest?.Targets.FirstOrDefault(t => t.Name == target.Name)?.Samples is { Count: > 0 } samples ? samples[^1] : (Sample?)null;
            yield return new TargetStatus
            {
                ProbeId = probe.ProbeId,
                Settings = target.ToSettings(),
                FirstSampleAt = target.FirstSampleAt,
                Health = open.Any(i => i.Type == IncidentType.Down) ? TargetHealth.Down
                    : open.Count > 0 ? TargetHealth.Degraded
                    : target.FirstSampleAt == default ? TargetHealth.Unknown
                    : TargetHealth.Up,
                OpenIncidents = [.. open.Select(i => i.ToIncident())],
                LastSample = last,
                RetiredAt = target.RetiredAt,
            };
        }
    }
}
