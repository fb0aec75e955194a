using System.Text;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts.Channels.Http;

/// <summary>
/// What a notice says, in plain words, for the chat and push channels (Teams, Slack, ntfy): the same title, lead and
/// fields as the alert email (<see cref="AlertEmailBuilder"/>, <see cref="AlertText"/>, <see cref="MailText"/>), so a
/// person reads one wording wherever the notice reaches them. Values are single-line and free of bidi controls but
/// not escaped: each builder escapes them for its own format.
/// </summary>
public sealed class NoticeText
{
    private readonly TimeZoneInfo _zone;

    public NoticeText(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
    }

    /// <summary>The kind as JSON bodies and context lines name it: "opened", "resolved", "reminder", "summary", "report".</summary>
    public static string KindName(NoticeKind kind) => kind switch
    {
        NoticeKind.Opened => "opened",
        NoticeKind.Resolved => "resolved",
        NoticeKind.Reminder => "reminder",
        NoticeKind.Summary => "summary",
        NoticeKind.Report => "report",
    };

    /// <summary>"Down: gateway", "Resolved: gateway, down for 4 min 10 s", "Escalated: Down: gateway".</summary>
    public static string Title(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var title = notice.Kind switch
        {
            NoticeKind.Opened => Opened(notice.Incidents[0]),
            NoticeKind.Resolved => Resolved(notice.Incidents[0]),
            NoticeKind.Reminder => Reminder(notice.Incidents[0], notice.RaisedAt),
            NoticeKind.Summary => SummaryTitle(notice.Incidents),
            NoticeKind.Report => notice.Report is { } report ? Clean(report.Title, 150) : "Report ready",
        };
        return Clean(notice.Escalated ? "Escalated: " + title : title, 200);
    }

    /// <summary>One sentence that says what happened, as the email's first line does.</summary>
    public string Lead(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var lead = notice.Kind switch
        {
            NoticeKind.Opened => OpenedLead(notice.Incidents[0]),
            NoticeKind.Resolved => ResolvedLead(notice.Incidents[0]),
            NoticeKind.Reminder => ReminderLead(notice.Incidents[0], notice.RaisedAt),
            NoticeKind.Summary => SummaryLead(notice.Incidents),
            NoticeKind.Report => "A report is ready.",
        };
        return notice.Escalated ? lead + " Escalated: nobody acknowledged it in time." : lead;
    }

    /// <summary>The labelled facts about the one incident of an Opened, Resolved or Reminder notice; empty for the others.</summary>
    public IReadOnlyList<(string Label, string Value)> Fields(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Kind is NoticeKind.Summary or NoticeKind.Report || notice.Incidents.Count == 0)
        {
            return [];
        }

        var alert = notice.Incidents[0];
        var incident = alert.Incident;
        var fields = AlertEmailBuilder.TargetFields(alert);
        fields.Add(("Problem", IncidentKind.Of(incident.Type).Problem));
        fields.Add(("Started", MailText.LocalAndUtc(incident.Start, _zone)));
        if (incident.End is { } end)
        {
            fields.Add(("Ended", MailText.LocalAndUtc(end, _zone)));
            fields.Add(("Duration", MailText.Duration(end - incident.Start)));
        }
        else
        {
            fields.Add(("Open for", $"{MailText.Duration(notice.RaisedAt - incident.Start)} (as of {MailText.Local(notice.RaisedAt, _zone)})"));
        }

        AlertEmailBuilder.AddPeakUptimeAndGroup(fields, alert);
        return [.. fields.Select(f => (f.Label, Clean(f.Value, 600)))];
    }

    /// <summary>One line per already-over incident of a Summary, oldest first: "gateway: down, 2025-03-01 14:00:00 ..., 4 min 10 s, 7 failed rounds in a row (opens at 3)".</summary>
    public IReadOnlyList<string> SummaryLines(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return [.. Ordered(notice.Incidents).Select(a =>
        {
            var incident = a.Incident;
            var line = new StringBuilder()
                .Append(AlertText.Subject(a)).Append(": ")
                .Append(IncidentKind.Of(incident.Type).Problem).Append(", ")
                .Append(MailText.Local(incident.Start, _zone));
            line.Append(incident.End is { } end ? $", {MailText.Duration(end - incident.Start)}" : ", still open");
            if (IncidentKind.DescribePeak(incident) is { } peak)
            {
                line.Append(", ").Append(peak);
            }

            return Clean(line.ToString(), 300);
        })];
    }

    /// <summary>The report's lines, each made single-line.</summary>
    public static IReadOnlyList<string> ReportLines(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return notice.Report is { } report ? [.. report.Lines.Select(l => Clean(l, 300)).Where(l => l.Length > 0)] : [];
    }

    /// <summary>
    /// Single-line (<see cref="MailText.SingleLine"/>) and without the bidi controls (U+202A-U+202E, U+2066-U+2069,
    /// U+200E, U+200F) that would let a name display reversed, e.g. "gateway\u202Eexe.txt".
    /// </summary>
    public static string Clean(string? text, int maxLength = 80)
    {
        var line = MailText.SingleLine(text, maxLength);
        return line.Any(IsBidiControl) ? string.Concat(line.Where(c => !IsBidiControl(c))) : line;
    }

    /// <summary>
    /// Breaks "scheme://" with a word joiner (U+2060, invisible) so that a client that links bare URLs (Teams, the ntfy
    /// app) does not turn a hostile name such as "http://evil" into a link; the text reads the same.
    /// </summary>
    public static string Unlinked(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("://", ":\u2060//", StringComparison.Ordinal);
    }

    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F';

    private static List<AlertIncident> Ordered(IReadOnlyList<AlertIncident> alerts) =>
        [.. alerts.OrderBy(a => a.Incident.Start).ThenBy(a => a.Incident.TargetName, StringComparer.Ordinal)];

    private static string Name(AlertIncident alert) => Clean(AlertText.Subject(alert));

    private static string More(AlertIncident alert) =>
        alert.GroupedTargets.Count switch
        {
            0 => string.Empty,
            1 => " (+1 target behind it)",
            var n => $" (+{n} targets behind it)",
        };

    private static string Opened(AlertIncident alert) =>
        $"{IncidentKind.Of(alert.Incident.Type).ProblemTitle}: {Name(alert)}{More(alert)}";

    private static string Resolved(AlertIncident alert) =>
        $"Resolved: {Name(alert)}, {IncidentKind.Of(alert.Incident.Type).Problem} for {ResolvedDuration(alert.Incident)}";

    private static string Reminder(AlertIncident alert, DateTimeOffset raisedAt) =>
        $"Still {IncidentKind.Of(alert.Incident.Type).Problem} after {MailText.Duration(raisedAt - alert.Incident.Start)}: {Name(alert)}{More(alert)}";

    private static string ResolvedDuration(Incident incident) => MailText.Duration((incident.End ?? incident.Start) - incident.Start);

    private string OpenedLead(AlertIncident alert) =>
        $"{Name(alert)}: {IncidentKind.Of(alert.Incident.Type).Problem} since {MailText.Local(alert.Incident.Start, _zone)}.";

    private static string ResolvedLead(AlertIncident alert) =>
        $"{Name(alert)} has recovered: {IncidentKind.Of(alert.Incident.Type).Problem} for {ResolvedDuration(alert.Incident)}.";

    private static string ReminderLead(AlertIncident alert, DateTimeOffset raisedAt) =>
        $"{Name(alert)} is still {IncidentKind.Of(alert.Incident.Type).Problem}: open for {MailText.Duration(raisedAt - alert.Incident.Start)}.";

    private static string Probes(IReadOnlyList<AlertIncident> alerts) =>
        string.Join(", ", Ordered(alerts).Select(a => Clean(a.Incident.ProbeId)).Distinct(StringComparer.Ordinal));

    private static string SummaryTitle(IReadOnlyList<AlertIncident> alerts) =>
        $"{alerts.Count} {(alerts.Count == 1 ? "incident" : "incidents")} already over, reported late by probe {Probes(alerts)}";

    private string SummaryLead(IReadOnlyList<AlertIncident> alerts)
    {
        if (alerts.Count == 0)
        {
            return "No incidents.";
        }

        var ordered = Ordered(alerts);
        var first = ordered[0].Incident.Start;
        var last = ordered.Max(a => a.Incident.End ?? a.Incident.Start);
        return $"Data that probe {Probes(alerts)} delivered late (a backlog after an outage) shows {alerts.Count} " +
               $"{(alerts.Count == 1 ? "incident" : "incidents")} between {MailText.Local(first, _zone)} and {MailText.Local(last, _zone)}, all already over.";
    }
}
