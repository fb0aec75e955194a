using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>Targets as the API shows them: catalogue and health from <see cref="TargetReader"/>, figures from <see cref="TargetFiguresReader"/>.</summary>
internal sealed class TargetViews(
    TargetReader targets, TargetFiguresReader figures, ProbeStateStore probes, IOptions<DetectionOptions> detection, TimeProvider time)
{
    /// <summary>Every probe and target, targets ordered by probe and name.</summary>
    public async Task<TargetList> ListAsync(CancellationToken cancellationToken)
    {
        var generatedAt = time.GetUtcNow();
        var (probes, all) = await targets.GetActiveAsync(cancellationToken);

        var views = new List<TargetView>(all.Count);
        foreach (var probe in probes)
        {
            var own = all.Where(t => t.ProbeId == probe.ProbeId).ToList();
            var figuresOf = await figures.GetAsync(probe.ProbeId, probe.CompactedThrough, [.. own.Select(t => t.Name)], cancellationToken);
            views.AddRange(own.Select(t => View(t, figuresOf.GetValueOrDefault(t.Name) ?? TargetFigures.None, probe.SilentIncident is not null, generatedAt)));
        }

        return new TargetList(
            generatedAt,
            [.. probes.Select(p => new ProbeView(p.ProbeId, p.LastSampleAt, p.SilentIncident is not null, p.Reported?.Site))],
            [.. views.OrderBy(v => v.ProbeId, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal)]);
    }

    /// <summary>One target; null when its probe or the target is unknown.</summary>
    public async Task<(TargetView View, TargetStatus Status)?> GetAsync(string probeId, string targetName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var probeRead = probes.ReadProbeRowAsync(probeId, cancellationToken);
        var targetsRead = TargetsOfAsync(probeId, cancellationToken);
        await Task.WhenAll(probeRead, targetsRead);
        var probe = probeRead.Result;
        var status = targetsRead.Result?.FirstOrDefault(t => t.Name == targetName);
        if (status is null || probe is null)
        {
            return null;
        }

        var compactedThrough = probe.CompactedThrough?.ToUniversalTime();
        var silent = StoredIncident.FromJsonSingle(probe.SilentIncident) is { IsOpen: true };
        var figuresOf = await figures.GetAsync(probeId, compactedThrough, [targetName], cancellationToken);
        return (View(status, figuresOf.GetValueOrDefault(targetName) ?? TargetFigures.None, silent, now), status);
    }

    private async Task<IReadOnlyList<TargetStatus>?> TargetsOfAsync(string probeId, CancellationToken cancellationToken)
    {
        try
        {
            return await targets.GetTargetsAsync(probeId, cancellationToken);
        }
        catch (UnknownTargetException)
        {
            return null;
        }
    }

    private TargetView View(TargetStatus target, TargetFigures figures, bool probeSilent, DateTimeOffset now) => new()
    {
        Id = TargetIds.Format(target.ProbeId, target.Name),
        ProbeId = target.ProbeId,
        Name = target.Name,
        Host = target.Settings.Host,
        Category = target.Settings.Category,
        Description = target.Settings.Description,
        Uplink = target.Settings.Uplink,
        IntervalMs = target.Settings.IntervalMs,
        Status = probeSilent ? "unknown" : target.Health switch
        {
            TargetHealth.Up => "up",
            TargetHealth.Degraded => "degraded",
            TargetHealth.Down => "down",
            TargetHealth.Unknown => "unknown",
        },
        LastSampleAt = target.LastSample?.Time,
        LastRttMs = ApiNumbers.Round(target.LastSample?.RttMilliseconds),
        Loss1hPercent = figures.Loss1hPercent,
        Uptime24hPercent = figures.Uptime24hPercent,

        // A target without thresholds of its own is judged by detection's defaults.
        LatencyThresholdMs = target.Settings.LatencyThresholdMs ?? detection.Value.LatencyThresholdMs,
        LossThresholdPercent = target.Settings.LossThresholdPercent ?? detection.Value.LossThresholdPercent,
        Sparkline = figures.Sparkline,
        OpenIncidents = [.. target.OpenIncidents.Select(i => IncidentViews.Of(i, now))],
    };
}

internal static class IncidentViews
{
    public static IncidentView Of(Incident incident, DateTimeOffset now, IncidentAcknowledgement? acknowledgement = null) => new()
    {
        Id = incident.Id,
        ProbeId = incident.ProbeId,
        TargetId = IncidentKind.Of(incident.Type).OfProbe || incident.TargetName.Length == 0 ? null : TargetIds.Format(incident.ProbeId, incident.TargetName),
        TargetName = incident.TargetName,
        Type = IncidentKind.Of(incident.Type).ApiName,
        Start = incident.Start,
        End = incident.End,
        DurationSeconds = Math.Max(0, (long)((incident.End ?? now) - incident.Start).TotalSeconds),
        PeakValue = ApiNumbers.Round(incident.PeakValue),
        Threshold = ApiNumbers.Round(incident.Threshold),
        GroupedUnderIncidentId = incident.GroupedUnderIncidentId,
        MaintenanceWindowId = incident.MaintenanceWindowId,
        Acknowledgement = acknowledgement is null ? null : new AcknowledgementView(acknowledgement.By, acknowledgement.At, acknowledgement.Note),
    };
}
