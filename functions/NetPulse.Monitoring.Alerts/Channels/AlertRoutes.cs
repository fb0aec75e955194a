using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Channels;

/// <summary>Which notices a route passes: pure, so the rules are tested as a table.</summary>
public static class AlertRoutes
{
    /// <summary>Every notice kind by the name routes use for it.</summary>
    public static IReadOnlyList<string> NoticeNames { get; } = [.. Enum.GetValues<NoticeKind>().Select(NoticeName)];

    public static string NoticeName(NoticeKind kind) => kind switch
    {
        NoticeKind.Opened => "opened",
        NoticeKind.Resolved => "resolved",
        NoticeKind.Reminder => "reminder",
        NoticeKind.Summary => "summary",
        NoticeKind.Report => "report",
    };

    /// <summary>
    /// True when the notice passes every filter the route sets. A notice about several incidents (a summary) passes
    /// when one of them does; a report, about none, passes only routes without incident filters.
    /// </summary>
    public static bool Passes(AlertRouteOptions route, AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(notice);
        if (route.Notices.Count > 0 && !route.Notices.Contains(NoticeName(notice.Kind), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return notice.Incidents.Count == 0
            ? route.Categories.Count == 0 && route.Targets.Count == 0 && route.Probes.Count == 0 && route.Kinds.Count == 0
            : notice.Incidents.Any(i => Passes(route, i));
    }

    private static bool Passes(AlertRouteOptions route, AlertIncident alert) =>
        Allows(route.Categories, alert.TargetCategory, StringComparer.OrdinalIgnoreCase)
        && Allows(route.Targets, alert.Incident.TargetName, StringComparer.Ordinal)
        && Allows(route.Probes, alert.Incident.ProbeId, StringComparer.Ordinal)
        && Allows(route.Kinds, IncidentKind.Of(alert.Incident.Type).ApiName, StringComparer.OrdinalIgnoreCase);

    private static bool Allows(List<string> filter, string? value, StringComparer comparer) =>
        filter.Count == 0 || (value is not null && filter.Contains(value, comparer));
}
