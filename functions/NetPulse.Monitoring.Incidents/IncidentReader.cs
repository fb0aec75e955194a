using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>Incidents for the API, the dashboard and reports: by time range, open ones, one by id.</summary>
public sealed class IncidentReader
{
    private readonly IncidentStore _incidents;
    private readonly ProbeStateStore _states;

    internal IncidentReader(IncidentStore incidents, ProbeStateStore states)
    {
        _incidents = incidents;
        _states = states;
    }

    /// <summary>
    /// Incidents overlapping [<paramref name="from"/>, <paramref name="to"/>] (open ones count as lasting until
    /// now), newest start first, optionally of one probe or one target. Reads the months of the range and the
    /// one before it, plus the open incidents from the targets' state.
    /// </summary>
    public async Task<IReadOnlyList<Incident>> GetIncidentsAsync(
        DateTimeOffset from, DateTimeOffset to, string? probeId = null, string? targetName = null, CancellationToken cancellationToken = default)
    {
        var stored = await _incidents.ReadAsync(from.AddMonths(-1), to, probeId, targetName, cancellationToken);
        var open = await OpenAsync(probeId, cancellationToken);
        return [.. stored.UnionBy(open, i => i.Id)
            .Where(i => targetName is null || i.TargetName == targetName)
            .Where(i => i.Start <= to && (i.End is null || i.End >= from))
            .OrderByDescending(i => i.Start)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => i.ToIncident())];
    }

    /// <summary>The incidents open now, of every probe or one, newest first.</summary>
    public async Task<IReadOnlyList<Incident>> GetOpenIncidentsAsync(string? probeId = null, CancellationToken cancellationToken = default) =>
        [.. (await OpenAsync(probeId, cancellationToken)).OrderByDescending(i => i.Start).Select(i => i.ToIncident())];

    /// <summary>One incident by its id; null when there is none.</summary>
    public async Task<Incident?> GetIncidentAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        return (await _incidents.FindAsync(incidentId, cancellationToken))?.ToIncident();
    }

    private async Task<List<StoredIncident>> OpenAsync(string? probeId, CancellationToken cancellationToken)
    {
        var probes = probeId is null ? await _states.ReadAllAsync(cancellationToken) : [await _states.ReadAsync(probeId, cancellationToken)];
        var open = new List<StoredIncident>();
        foreach (var probe in probes)
        {
            open.AddRange(probe.Targets.Values.SelectMany(t => StoredIncident.FromJson(t.Incidents)).Where(i => i.IsOpen));
            if (StoredIncident.FromJsonSingle(probe.SilentIncident) is { IsOpen: true } silent)
            {
                open.Add(silent);
            }
        }

        return open;
    }
}
