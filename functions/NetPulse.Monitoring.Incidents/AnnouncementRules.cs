
namespace NetPulse.Monitoring.Incidents;

/// <summary>One alert to raise: its kind and the incident as it will be stored once the alert is on the queue.</summary>
internal sealed record AnnouncementDecision(AlertKind Kind, StoredIncident Incident);

/// <summary>
/// Which incidents to tell the alerts queue about, and how. Pure, so its cases are tested without storage.
/// <list type="bullet">
/// <item>Opened: an open incident not yet announced whose target's latest round is fresh (within <see cref="DetectionOptions.AlertFreshness"/>); an open incident found in an old backlog waits.</item>
/// <item>Resolved: a closed incident announced as opened, or one that ended recently without an opening alert (short ones open and close within one batch).</item>
/// <item>Summary: closed incidents never announced that ended longer than <see cref="DetectionOptions.AlertFreshness"/> ago become pending; once the backlog has caught up (or after <see cref="DetectionOptions.SummaryDelay"/>) they all go out in one Summary alert, not a storm.</item>
/// <item>Grouped: a target's down incident grouped under the uplink's is named in the uplink's alerts, not announced itself, unless it outlives the uplink's incident.</item>
/// <item>Muted: an incident that begins inside a maintenance window covering its target is flagged with the window and recorded, neither its opening nor its recovery announced.
/// Only an incident not yet announced is flagged: one whose opening went out before the window began is not, so its recovery is announced as usual.
/// A muted incident still open once no window covers its target any more (the work overran, or the window was deleted) is announced as opened then, and its recovery after it;
/// it keeps its flag (it began as planned work). An incident marked as maintenance afterwards stays muted.</item>
/// </list>
/// </summary>
internal static class AnnouncementRules
{
    public static List<AnnouncementDecision> Decide(
        IEnumerable<StoredIncident> current,
        IEnumerable<StoredIncident> deleted,
        IReadOnlyDictionary<string, DateTimeOffset> lastRoundAt,
        IReadOnlyDictionary<string, StoredIncident> uplinkIncidents,
        DateTimeOffset now,
        DetectionOptions options,
        Func<StoredIncident, DateTimeOffset, string?>? maintenanceAt = null)
    {
        var decisions = new List<AnnouncementDecision>();
        var freshSince = now - options.AlertFreshness;
        foreach (var found in current.OrderBy(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            if (found.Announcement is Announcement.Resolved or Announcement.Summarized or Announcement.Pending)
            {
                continue;
            }

            var incident = found;
            var lastRound = lastRoundAt.GetValueOrDefault(incident.TargetName, incident.ClosedAt ?? incident.OpenedAt);
            var asks = AsksMaintenance(found);
            if (asks && maintenanceAt is not null && incident.MaintenanceWindowId is null && incident.Announcement == Announcement.None
                && maintenanceAt(incident, incident.Start) is { } windowId)
            {
                incident = incident with { MaintenanceWindowId = windowId };
            }

            if (incident.MaintenanceWindowId is { } flag && incident.Announcement is Announcement.None or Announcement.Muted
                && !(asks && incident.IsOpen && maintenanceAt is not null && flag != MaintenanceWindow.MarkedAfterwards && maintenanceAt(incident, lastRound) is null))
            {
                if (incident != found || incident.Announcement != Announcement.Muted)
                {
                    decisions.Add(new AnnouncementDecision(incident.IsOpen ? AlertKind.Opened : AlertKind.Resolved, incident with { Announcement = Announcement.Muted }));
                }

                continue;
            }

            if (incident.GroupedUnderIncidentId is { } uplinkId && incident.Announcement != Announcement.Opened
                && !Outlives(incident, uplinkIncidents.GetValueOrDefault(uplinkId), lastRound, options.UplinkGroupingTolerance))
            {
                if (incident.Announcement != Announcement.Grouped)
                {
                    decisions.Add(new AnnouncementDecision(AlertKind.Opened, incident with { Announcement = Announcement.Grouped }));
                }

                continue;
            }

            if (incident.IsOpen)
            {
                if (incident.Announcement != Announcement.Opened && lastRound >= freshSince)
                {
                    decisions.Add(new AnnouncementDecision(AlertKind.Opened, incident with { Announcement = Announcement.Opened }));
                }
            }
            else if (incident.Announcement == Announcement.Opened || incident.End >= freshSince)
            {
                decisions.Add(new AnnouncementDecision(AlertKind.Resolved, incident with { Announcement = Announcement.Resolved }));
            }
            else
            {
                decisions.Add(new AnnouncementDecision(AlertKind.Summary, incident with { Announcement = Announcement.Pending }));
            }
        }

        // An incident announced as opened that complete rounds no longer give: close it for the reader of the mail.
        foreach (var gone in deleted.Where(i => i.Announcement == Announcement.Opened))
        {
            var end = gone.End ?? lastRoundAt.GetValueOrDefault(gone.TargetName, now);
            decisions.Add(new AnnouncementDecision(AlertKind.Resolved, gone with { End = end, ClosedAt = gone.ClosedAt ?? end, Announcement = Announcement.Resolved }));
        }

        return decisions;
    }

    /// <summary>
    /// True when <see cref="Decide"/> may look up maintenance windows for the incident: one not yet announced, or a
    /// muted one still open whose window may have ended. Ingestion reads the windows only when some incident asks, so a
    /// calm batch (no incident in play, or only ones already announced) costs no read of the maintenance table.
    /// <see cref="Decide"/> guards its look-ups with it, so the two cannot drift apart.
    /// </summary>
    public static bool AsksMaintenance(StoredIncident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Announcement is Announcement.Resolved or Announcement.Summarized or Announcement.Pending)
        {
            return false;
        }

        // Not yet flagged: the window at its start may mute it. Flagged and open: the window may have ended.
        return incident.MaintenanceWindowId is null
            ? incident.Announcement == Announcement.None
            : incident.IsOpen && incident.MaintenanceWindowId != MaintenanceWindow.MarkedAfterwards && incident.Announcement is Announcement.None or Announcement.Muted;
    }

    /// <summary>Grouping mutes a target only while the uplink explains it: not once it stays down past the uplink's recovery.</summary>
    private static bool Outlives(StoredIncident incident, StoredIncident? uplink, DateTimeOffset lastRound, TimeSpan tolerance)
    {
        if (uplink?.ClosedAt is not { } uplinkClosed || uplink.End is not { } uplinkEnd)
        {
            return false;
        }

        return incident.IsOpen ? lastRound > uplinkClosed + tolerance : incident.End > uplinkEnd + tolerance;
    }

    /// <summary>A decision that only records something (grouped, or waiting for the summary): nothing goes on the queue for it now.</summary>
    public static bool IsSilent(AnnouncementDecision decision) =>
        decision.Incident.Announcement is Announcement.Grouped or Announcement.Pending or Announcement.Muted;
}
