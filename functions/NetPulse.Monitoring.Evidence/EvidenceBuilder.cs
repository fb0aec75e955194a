using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Builds one probe's evidence pack for a period from what storage holds: each of its targets that had rounds
/// or incidents in the period, from the target's raw rounds (<see cref="SampleReader"/>) and the probe's incidents.
/// Reads only; the same stored data gives the same pack.
/// </summary>
internal sealed class EvidenceBuilder
{
    /// <summary>Path snapshots looked up per pack at most, for the first incidents of the log: each may cost a query.</summary>
    public const int MaxPathLookups = 100;

    private readonly TargetReader _targets;
    private readonly SampleReader _samples;
    private readonly IncidentReader _incidents;
    private readonly DetectionOptions _detection;
    private readonly TimeProvider _time;
    private readonly IIncidentPathSource _paths;

    public EvidenceBuilder(
        TargetReader targets,
        SampleReader samples,
        IncidentReader incidents,
        IOptions<ReportOptions> options,
        IOptions<DetectionOptions> detection,
        TimeProvider time,
        IIncidentPathSource? paths = null)
    {
        _paths = paths ?? new NoIncidentPaths();
        _targets = targets;
        _samples = samples;
        _incidents = incidents;
        _detection = detection.Value;
        _time = time;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    }

    /// <summary>The report time zone, whose local dates make the periods.</summary>
    public TimeZoneInfo Zone { get; }

    /// <param name="site">The probe's site, when known (the probe reports it in its status).</param>
    /// <exception cref="UnknownTargetException">No batch ever came from the probe.</exception>
    public async Task<EvidencePack> BuildAsync(string probeId, EvidencePeriod period, string? site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var targets = await _targets.GetTargetsAsync(probeId, cancellationToken);
        var incidents = await _incidents.GetIncidentsAsync(period.From, period.To, probeId, cancellationToken: cancellationToken);
        var evidence = new List<TargetEvidence>();
        foreach (var target in targets.Where(t => t.FirstSampleAt != default && t.FirstSampleAt < period.To))
        {
            var own = incidents.Where(i => i.TargetName == target.Name && !IncidentKind.Of(i.Type).OfProbe).ToList();
            var samples = await _samples.GetSamplesAsync(probeId, target.Name, period.From, period.To.AddTicks(-1), cancellationToken);
            if (samples.Count == 0 && own.Count == 0)
            {
                continue;
            }

            var reportTarget = new ReportTarget
            {
                ProbeId = probeId,
                Settings = target.Settings,
                LatencyThresholdMs = target.Settings.LatencyThresholdMs ?? _detection.LatencyThresholdMs,
                LossThresholdPercent = target.Settings.LossThresholdPercent ?? _detection.LossThresholdPercent,
            };
            evidence.Add(EvidenceCalculator.Target(reportTarget, period, samples, own));
        }

        var pack = EvidenceCalculator.Pack(probeId, site, period, _time.GetUtcNow(), evidence, incidents);
        return pack with { Incidents = await WithPathsAsync(probeId, pack.Incidents, cancellationToken) };
    }

    private async Task<IReadOnlyList<EvidenceIncident>> WithPathsAsync(
        string probeId, IReadOnlyList<EvidenceIncident> incidents, CancellationToken cancellationToken)
    {
        var withPaths = new List<EvidenceIncident>(incidents.Count);
        var lookups = 0;
        foreach (var incident in incidents)
        {
            // A probe-silent incident has no target, so no path to look at.
            if (incident.TargetName.Length == 0 || lookups >= MaxPathLookups)
            {
                withPaths.Add(incident);
                continue;
            }

            lookups++;
            var path = await _paths.AtIncidentStartAsync(probeId, incident.TargetName, incident.Start, cancellationToken);
            withPaths.Add(path is null ? incident : incident with { Path = path });
        }

        return withPaths;
    }
}
