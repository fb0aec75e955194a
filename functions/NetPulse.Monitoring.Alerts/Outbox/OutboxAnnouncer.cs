using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// The announcer that ingestion and the watchdog call right after they commit incidents: it describes each incident
/// for people (target, category, 24 h uptime, grouped targets), stores the notices in the outbox, and tries each
/// routed channel once in the same run (a channel in back-off is skipped, so a dead one costs ingestion nothing).
/// Silent decisions (grouped, pending a summary) raise nothing. A target whose name other (non-retired) probes also
/// watch is named with its probe (<see cref="TargetLabels"/>): one read of the probes' catalogue per announcement
/// that says something, which is rare.
/// </summary>
internal sealed class OutboxAnnouncer(
    AlertRaiser raiser, SampleReader samples, ProbeStateStore states, IncidentPaths paths, TimeProvider time, ILogger<OutboxAnnouncer> logger) : IIncidentAnnouncer
{
    public async Task AnnounceAsync(
        IReadOnlyList<AnnouncementDecision> decisions, IReadOnlyDictionary<string, TargetEntity> targets, IEnumerable<StoredIncident> known,
        CancellationToken cancellationToken)
    {
        var loud = decisions.Where(d => !AnnouncementRules.IsSilent(d)).ToList();
        if (loud.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var groupedNames = known
            .Where(i => i.GroupedUnderIncidentId is not null)
            .GroupBy(i => i.GroupedUnderIncidentId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(i => i.TargetName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], StringComparer.Ordinal);
        var uptimes = new Dictionary<string, double?>(StringComparer.Ordinal);
        var probes = (await states.ReadAllAsync(cancellationToken)).Where(p => p.RetiredAt is null).ToList();
        var ambiguous = TargetLabels.AmbiguousNames(
            probes.SelectMany(p => p.Targets.Values.Where(t => t.RetiredAt is null).Select(t => (p.ProbeId, t.Name))));
        var sites = probes.ToDictionary(p => p.ProbeId, p => p.Status?.Site, StringComparer.Ordinal);

        async Task<AlertIncident> DescribeAsync(AlertKind kind, StoredIncident incident)
        {
            var target = targets.GetValueOrDefault(incident.TargetName)?.ToSettings();
            if (!uptimes.TryGetValue(incident.TargetName, out var uptime) && target is not null)
            {
                uptime = await samples.GetUptimePercentAsync(incident.ProbeId, incident.TargetName, now.AddHours(-24), now, cancellationToken);
                uptimes[incident.TargetName] = uptime;
            }

            return new AlertIncident
            {
                Incident = incident.ToIncident(),
                TargetHost = target?.Host,
                TargetCategory = target?.Category,
                TargetDescription = target?.Description,
                Uptime24hPercent = uptime is { } u ? Math.Round(u, 3) : null,
                GroupedTargets = groupedNames.GetValueOrDefault(incident.Id) ?? [],
                Path = kind == AlertKind.Opened ? await CompactPathAsync(incident) : null,
                TargetLabel = ambiguous.Contains(incident.TargetName)
                    ? TargetLabels.Of(incident.TargetName, incident.ProbeId, sites.GetValueOrDefault(incident.ProbeId), ambiguous: true)
                    : null,
            };
        }

        var alerts = new List<RaisedAlert>(loud.Count);
        foreach (var decision in loud)
        {
            alerts.Add(new RaisedAlert(decision.Kind, [await DescribeAsync(decision.Kind, decision.Incident)]));
        }

        await raiser.RaiseAsync(alerts, deliverNow: true, cancellationToken);

        // The path of a target's trouble when it is stored already (the probe ships it with this batch or a later one:
        // the alert never waits for it); a failed read leaves it out rather than hold the alert back.
        async Task<string?> CompactPathAsync(StoredIncident incident)
        {
            if (incident.Type is not (IncidentType.Down or IncidentType.Loss or IncidentType.Latency))
            {
                return null;
            }

            try
            {
                return await paths.AtStartAsync(incident.ToIncident(), cancellationToken) is { Reason: PathSnapshotReason.Trouble } path
                    ? AlertText.CompactPath(path.Snapshot)
                    : null;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidDataException or System.Text.Json.JsonException)
            {
                logger.LogWarning("The opened alert of incident {IncidentId} goes without its path: {Reason}", incident.Id, ex.Message);
                return null;
            }
        }
    }
}
