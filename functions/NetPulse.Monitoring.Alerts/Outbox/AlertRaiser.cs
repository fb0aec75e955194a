using System.Text;
using System.Text.Json;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Email;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>An alert that detection (or a legacy queue message) raised, with its incidents described for people.</summary>
public sealed record RaisedAlert(AlertKind Kind, IReadOnlyList<AlertIncident> Incidents);

/// <summary>
/// Turns raised alerts, due reminders and due escalations into outbox notices. Alert state (cooldown, reminder
/// schedule, escalation) is decided here, when the notice is stored, not after a send: a failed send delays a
/// notice but never loses it or its reminders. Notice ids are deterministic, so a replayed decision adds nothing.
/// </summary>
public sealed class AlertRaiser(
    AlertOutbox outbox,
    AlertStateStore states,
    AlertChannelSet channels,
    AlertDeliverer deliverer,
    IOptions<AlertOptions> options,
    TimeProvider time,
    AcknowledgeLinks acknowledgeLinks,
    DashboardLinks dashboardLinks,
    IServiceProvider services,
    ILogger<AlertRaiser> logger)
{
    /// <summary>A string property holds 64 KiB (32 Ki UTF-16 characters); a summary larger than this is split.</summary>
    internal const int MaxNoticeChars = 30_000;

    private readonly AlertOptions _options = options.Value;

    /// <summary>
    /// Stores the notices of the alerts and updates alert state; with <paramref name="deliverNow"/>, then tries each new
    /// notice's channels once (a channel in back-off is skipped) before returning. Storage errors throw, so the caller's
    /// message is retried; delivery failures never do.
    /// </summary>
    public async Task RaiseAsync(IReadOnlyList<RaisedAlert> alerts, bool deliverNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = time.GetUtcNow();
        var added = new List<OutboxEntry>();
        foreach (var alert in alerts.Where(a => a.Kind != AlertKind.Summary))
        {
            var item = alert.Incidents[0];
            var incident = item.Incident;
            var key = AlertKey.Of(incident);
            var state = await states.GetAsync(key, cancellationToken);
            switch (alert.Kind)
            {
                case AlertKind.Opened:
                    if (state?.OpenIncident?.Incident.Id == incident.Id || state?.LastResolvedIncidentId == incident.Id)
                    {
                        // A replayed decision, or the recovery overtook the opening: either way nothing is left to say.
                        logger.LogInformation("Opened alert for incident {IncidentId} already raised; not raised again", incident.Id);
                        continue;
                    }

                    var held = state?.LastOpenedMailAt is { } last && now - last < _options.Cooldown;
                    if (held)
                    {
                        logger.LogInformation(
                            "Opened alert for incident {IncidentId} ({IncidentType} on {TargetName}) held back: last notice for this target and type at {LastNoticeAt}, cooldown {Cooldown}",
                            incident.Id, incident.Type, incident.TargetName, state!.LastOpenedMailAt, _options.Cooldown);
                    }
                    else
                    {
                        await AddAsync(Linked(Notice(NoticeKind.Opened, NoticeIds.Of(NoticeKind.Opened, incident.Id), [item], now)), incident.ProbeId, deliverNow, added, cancellationToken);
                    }

                    await states.UpdateAsync(key, current => Open(current, key, item, held, now), cancellationToken);
                    break;
                case AlertKind.Resolved:
                    if (state?.LastResolvedIncidentId == incident.Id)
                    {
                        logger.LogInformation("Resolved alert for incident {IncidentId} already raised; not raised again", incident.Id);
                        continue;
                    }

                    // Always raised (no cooldown), so nobody is left believing a target is still down.
                    await AddAsync(Notice(NoticeKind.Resolved, NoticeIds.Of(NoticeKind.Resolved, incident.Id), [item], now), incident.ProbeId, deliverNow, added, cancellationToken);
                    await states.UpdateAsync(key, current => Resolve(current, key, incident.Id), cancellationToken);
                    break;
                case AlertKind.Summary:
                    break;
            }
        }

        foreach (var part in SummaryParts(alerts.Where(a => a.Kind == AlertKind.Summary).SelectMany(a => a.Incidents).ToList(), now))
        {
            var notice = Notice(NoticeKind.Summary, NoticeIds.Summary(part.Select(i => i.Incident.Id)), part, now);
            await AddAsync(notice, part[0].Incident.ProbeId, deliverNow, added, cancellationToken);

            // An incident in the summary is over: stop any reminder that an earlier "opened" notice started.
            foreach (var item in part)
            {
                var key = AlertKey.Of(item.Incident);
                var id = item.Incident.Id;
                await states.UpdateAsync(key, current => current?.OpenIncident?.Incident.Id == id ? Resolve(current, key, id) : null, cancellationToken);
            }
        }

        foreach (var entry in added)
        {
            await deliverer.DeliverAsync(entry, cancellationToken, inline: true);
        }
    }

    /// <summary>
    /// Stores the notice that a report is ready and tries its channels once. Email channels are left out: the report's
    /// own mail (to <c>NetPulse:Smtp:To</c>) carries the whole report. The id comes from the report, so a second call adds nothing.
    /// </summary>
    public async Task RaiseReportAsync(string reportId, ReportNotice report, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        ArgumentNullException.ThrowIfNull(report);
        var notice = Notice(NoticeKind.Report, NoticeIds.Of(NoticeKind.Report, reportId), [], time.GetUtcNow()) with { Report = report };
        bool NotEmail(string channel) => channels.Find(channel)?.Type != EmailChannelFactory.TypeName;
        if (!channels.Route(notice).Any(NotEmail))
        {
            // The common case (email only): the mail is the whole announcement, and an outbox row would say nothing.
            return;
        }

        var added = new List<OutboxEntry>();
        await AddAsync(notice, probeId: "", deliverNow: true, added, cancellationToken, NotEmail);
        foreach (var entry in added)
        {
            await deliverer.DeliverAsync(entry, cancellationToken);
        }
    }

    /// <summary>
    /// Raises a reminder for every open incident a reminder interval after its last notice, and an escalation for every
    /// down or probe-silent incident still open after the escalation time; neither for an acknowledged incident.
    /// The notices are stored due at once; the caller's delivery pass sends them. Returns how many were stored.
    /// The alert state is read only when one can be due (<see cref="AlertStateStore.OpenIfDueAsync"/>).
    /// </summary>
    public async Task<int> RemindAndEscalateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await states.OpenIfDueAsync(now, cancellationToken) is not { } open)
        {
            return 0;
        }

        try
        {
            return await RemindAndEscalateAsync(open, now, cancellationToken);
        }
        catch
        {
            // Some due key may be neither handled nor noted: the next run reads them all again.
            states.Watch.ScanFailed();
            throw;
        }
    }

    private async Task<int> RemindAndEscalateAsync(List<AlertState> open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acknowledgements = services.GetService<IIncidentAcknowledgements>();
        var added = new List<OutboxEntry>();
        foreach (var state in open)
        {
            if (state.OpenIncident is not { } item)
            {
                continue;
            }

            var incident = item.Incident;
            var since = state.LastOpenedMailAt ?? incident.Start;
            var remind = state.RemindAt(_options) <= now;
            var escalate = state.EscalateAt(_options) <= now;
            if (!remind && !escalate)
            {
                continue;
            }

            if (acknowledgements is not null && await acknowledgements.GetAsync(incident.ProbeId, incident.Id, cancellationToken) is { } ack)
            {
                logger.LogDebug("Incident {IncidentId} acknowledged by {AcknowledgedBy} at {AcknowledgedAt}: no reminder, no escalation", incident.Id, ack.By, ack.At);
                continue;
            }

            var id = incident.Id;
            if (remind)
            {
                var ordinal = since.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await AddAsync(Linked(Notice(NoticeKind.Reminder, NoticeIds.Of(NoticeKind.Reminder, id, ordinal), [item], now)), incident.ProbeId, deliverNow: false, added, cancellationToken);
                await states.UpdateAsync(state.Key, current => current?.OpenIncident?.Incident.Id == id ? current with { LastOpenedMailAt = now } : null, cancellationToken);
            }

            if (escalate)
            {
                var notice = Linked(Notice(NoticeKind.Opened, NoticeIds.Escalation(id), [item], now)) with { Escalated = true };
                await AddAsync(notice, incident.ProbeId, deliverNow: false, added, cancellationToken);
                await states.UpdateAsync(state.Key, current => current?.OpenIncident?.Incident.Id == id ? current with { EscalatedAt = now } : null, cancellationToken);
            }
        }

        return added.Count;
    }

    private async Task AddAsync(
        AlertNotice notice, string probeId, bool deliverNow, List<OutboxEntry> added, CancellationToken cancellationToken, Func<string, bool>? only = null)
    {
        var now = time.GetUtcNow();
        var routed = channels.Route(notice).Where(c => only?.Invoke(c) ?? true).ToList();
        var entry = new OutboxEntry
        {
            Notice = notice,
            ProbeId = probeId,
            StoredAt = now,
            Deliveries = [.. routed.Select(c => new ChannelDelivery { Channel = c })],
        };

        // Delivered at once by this caller: the row is leased to it, so the minute timer leaves it alone meanwhile.
        var stored = await outbox.TryAddAsync(entry, deliverNow ? now + deliverer.Lease(entry) : null, cancellationToken);
        if (stored is null)
        {
            logger.LogInformation("Alert {NoticeId} ({NoticeKind}) is in the outbox already; not added again", notice.Id, notice.Kind);
            return;
        }

        var first = notice.Incidents.Count > 0 ? notice.Incidents[0].Incident : null;
        logger.LogInformation(
            "{NoticeKind} alert {NoticeId} stored for {IncidentCount} incident(s), first {IncidentId} ({IncidentType} on {TargetName}), for channels {Channels}",
            notice.Kind, notice.Id, notice.Incidents.Count, first?.Id, first?.Type, first?.TargetName, string.Join(", ", routed));
        if (routed.Count == 0)
        {
            logger.LogWarning("Alert {NoticeId} ({NoticeKind}) passes no route: no channel gets it", notice.Id, notice.Kind);
            return;
        }

        added.Add(stored);
    }

    /// <summary>A notice about one incident that someone may act on carries the acknowledge link and the dashboard page.</summary>
    private AlertNotice Linked(AlertNotice notice)
    {
        var incident = notice.Incidents[0].Incident;
        return notice with
        {
            AcknowledgeUrl = acknowledgeLinks.Create(incident.ProbeId, incident.Id),
            DashboardUrl = dashboardLinks.ForIncident(incident),
        };
    }

    private static AlertNotice Notice(NoticeKind kind, string id, IReadOnlyList<AlertIncident> incidents, DateTimeOffset now) =>
        new() { Id = id, Kind = kind, Incidents = incidents, RaisedAt = now };

    private static AlertState Open(AlertState? current, AlertKey key, AlertIncident item, bool held, DateTimeOffset now)
    {
        var next = current ?? new AlertState { Key = key };
        var noticedAt = held ? next.LastOpenedMailAt : (next.LastOpenedMailAt is { } x && x > now ? x : now);
        if (next.LastResolvedIncidentId == item.Incident.Id)
        {
            return next with { LastOpenedMailAt = noticedAt };
        }

        var same = next.OpenIncident?.Incident.Id == item.Incident.Id;
        return next with { OpenIncident = item, LastOpenedMailAt = noticedAt, EscalatedAt = same ? next.EscalatedAt : null };
    }

    private static AlertState Resolve(AlertState? current, AlertKey key, string incidentId)
    {
        var next = current ?? new AlertState { Key = key };
        var closes = next.OpenIncident?.Incident.Id == incidentId;
        return next with
        {
            OpenIncident = closes ? null : next.OpenIncident,
            EscalatedAt = closes ? null : next.EscalatedAt,
            LastResolvedIncidentId = incidentId,
        };
    }

    /// <summary>Only a backlog of hundreds of incidents is split: then a few summaries instead of one.</summary>
    private static List<List<AlertIncident>> SummaryParts(List<AlertIncident> incidents, DateTimeOffset now)
    {
        var parts = new List<List<AlertIncident>>();
        var part = new List<AlertIncident>();
        foreach (var item in incidents)
        {
            if (part.Count > 0 && Size([.. part, item], now) > MaxNoticeChars)
            {
                parts.Add(part);
                part = [];
            }

            part.Add(item);
        }

        if (part.Count > 0)
        {
            parts.Add(part);
        }

        return parts;
    }

    private static int Size(IReadOnlyList<AlertIncident> incidents, DateTimeOffset now) =>
        Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(Notice(NoticeKind.Summary, "summary-0123456789abcdef0123456789abcdef", incidents, now), OutboxJsonContext.Default.AlertNotice));
}
