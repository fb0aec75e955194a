using System.Globalization;
using System.Net;
using System.Text;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Builds the subject and the HTML and plain-text bodies of every alert email. Pure: no clock, no
/// configuration lookup, no I/O, so every wording and every escape is tested without a mail server.
/// Text from configuration (target names, hosts, descriptions) is made single-line everywhere and
/// HTML-encoded in the HTML body.
/// </summary>
public sealed class AlertEmailBuilder
{
    private const string Brand = "[NetPulse]";

    private readonly TimeZoneInfo _zone;

    public AlertEmailBuilder(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>The email for a message from the alerts queue; <paramref name="now"/> measures "open for" of an open incident.</summary>
    public AlertEmail Build(AlertMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind switch
        {
            AlertKind.Opened => Opened(message.Incidents[0], now),
            AlertKind.Resolved => Resolved(message.Incidents[0]),
            AlertKind.Summary => Summary(message.Incidents),
        };
    }

    /// <summary>
    /// The email of an outbox notice, for every <see cref="NoticeKind"/>; "open for" is measured at
    /// <see cref="AlertNotice.RaisedAt"/>, so a retry a day later sends the same words.
    /// </summary>
    public AlertEmail Build(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var email = notice.Kind switch
        {
            NoticeKind.Opened => Opened(notice.Incidents[0], notice.RaisedAt),
            NoticeKind.Resolved => Resolved(notice.Incidents[0]),
            NoticeKind.Reminder => Reminder(notice.Incidents[0], notice.RaisedAt),
            NoticeKind.Summary => Summary(notice.Incidents),
            NoticeKind.Report => Report(notice.Report ?? throw new ArgumentException($"report notice {notice.Id} names no report", nameof(notice))),
        };
        return WithLinks(notice.Escalated ? Escalated(email) : email, notice);
    }

    /// <summary>A report that is ready: its title and lines.</summary>
    public static AlertEmail Report(ReportNotice report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var title = MailText.SingleLine(report.Title);
        var table = new SummaryTable(["Summary"], [.. report.Lines.Select(l => (IReadOnlyList<string>)[MailText.SingleLine(l, maxLength: 300)])]);
        return Render($"{Brand} {title}", $"{title} is ready.", "#1f4e79", fields: [], table);
    }

    public AlertEmail Opened(AlertIncident alert, DateTimeOffset now) => OpenIncident(alert, now, reminder: false);

    /// <summary>The same incident, still open after the reminder interval.</summary>
    public AlertEmail Reminder(AlertIncident alert, DateTimeOffset now) => OpenIncident(alert, now, reminder: true);

    public AlertEmail Resolved(AlertIncident alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var incident = alert.Incident;
        var end = incident.End ?? incident.Start;
        var duration = MailText.Duration(end - incident.Start);
        var name = AlertText.Subject(alert);
        var problem = IncidentKind.Of(incident.Type).Problem;

        var fields = TargetFields(alert);
        fields.Add(("Problem", problem));
        fields.Add(("Started", MailText.LocalAndUtc(incident.Start, _zone)));
        fields.Add(("Ended", MailText.LocalAndUtc(end, _zone)));
        fields.Add(("Duration", duration));
        AddPeakUptimeAndGroup(fields, alert);

        var subject = $"{Brand} Resolved: {name}, {problem} for {duration}";
        var lead = $"{name} has recovered: {problem} for {duration}.";
        return Render(subject, lead, "#1b7f3b", fields, table: null);
    }

    /// <summary>One email for incidents that a late backlog revealed already over, instead of a storm of pairs.</summary>
    public AlertEmail Summary(IReadOnlyList<AlertIncident> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            throw new ArgumentException("a summary needs at least one incident", nameof(alerts));
        }

        var ordered = alerts.OrderBy(a => a.Incident.Start).ThenBy(a => a.Incident.TargetName, StringComparer.Ordinal).ToList();
        var probes = string.Join(", ", ordered.Select(a => MailText.SingleLine(a.Incident.ProbeId)).Distinct(StringComparer.Ordinal));
        var first = ordered[0].Incident.Start;
        var last = ordered.Max(a => a.Incident.End ?? a.Incident.Start);
        var count = ordered.Count;
        var noun = count == 1 ? "incident" : "incidents";

        var subject = $"{Brand} {count} {noun} already over, reported late by probe {probes}";
        var lead = $"Data that probe {probes} delivered late (a backlog after an outage) shows {count} {noun} " +
                   $"between {MailText.Local(first, _zone)} and {MailText.Local(last, _zone)}, all already over. " +
                   "No separate alert or recovery emails were sent for them.";

        var table = new SummaryTable(
            ["Target", "Problem", "Started", "Ended", "Duration", "Peak"],
            [.. ordered.Select(a => (IReadOnlyList<string>)
            [
                AlertText.Subject(a),
                IncidentKind.Of(a.Incident.Type).Problem,
                MailText.Local(a.Incident.Start, _zone),
                a.Incident.End is { } end ? MailText.Local(end, _zone) : "still open",
                a.Incident.End is { } e ? MailText.Duration(e - a.Incident.Start) : string.Empty,
                IncidentKind.DescribePeak(a.Incident) ?? string.Empty,
            ])]);
        return Render(subject, lead, "#8a5a00", fields: [], table);
    }

    private AlertEmail OpenIncident(AlertIncident alert, DateTimeOffset now, bool reminder)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var incident = alert.Incident;
        var openFor = MailText.Duration(now - incident.Start);
        var name = AlertText.Subject(alert);
        var problem = IncidentKind.Of(incident.Type).Problem;
        var grouped = alert.GroupedTargets.Count;

        var fields = TargetFields(alert);
        fields.Add(("Problem", problem));
        fields.Add(("Started", MailText.LocalAndUtc(incident.Start, _zone)));
        fields.Add(("Open for", $"{openFor} (as of {MailText.Local(now, _zone)})"));
        AddPeakUptimeAndGroup(fields, alert);

        var more = grouped == 0 ? string.Empty : $" (+{grouped} {(grouped == 1 ? "target" : "targets")} behind it)";
        var subject = reminder
            ? $"{Brand} Still {problem} after {openFor}: {name}{more}"
            : $"{Brand} {IncidentKind.Of(incident.Type).ProblemTitle}: {name}{more}";
        var lead = reminder
            ? $"{name} is still {problem}: open for {openFor}."
            : $"{name}: {problem} since {MailText.Local(incident.Start, _zone)}.";
        return Render(subject, lead, "#b00020", fields, table: null);
    }

    /// <summary>Nobody acknowledged the incident in time: the same email, marked, to further people.</summary>
    private static AlertEmail Escalated(AlertEmail email)
    {
        const string Note = "Nobody acknowledged this incident in time, so it is escalated to you.";
        var subject = MailText.SingleLine($"{Brand} Escalated: {email.Subject[(Brand.Length + 1)..]}", maxLength: 200);
        var lead = email.HtmlBody.IndexOf("<p ", StringComparison.Ordinal);
        var html = email.HtmlBody.Insert(lead, $"<p style=\"font-weight:600\">{E(Note)}</p>\n");
        return new AlertEmail(subject, html, $"{Note}\n\n{email.TextBody}");
    }

    /// <summary>The acknowledge link and the dashboard page, when the notice carries them, above the signature.</summary>
    private static AlertEmail WithLinks(AlertEmail email, AlertNotice notice)
    {
        var links = new List<(string Label, Uri Url)>();
        if (notice.AcknowledgeUrl is { } acknowledge)
        {
            links.Add(("Acknowledge this incident", acknowledge));
        }

        if (notice.DashboardUrl is { } dashboard)
        {
            links.Add(("Open the dashboard", dashboard));
        }

        if (links.Count == 0)
        {
            return email;
        }

        var html = new StringBuilder("<p>");
        var text = new StringBuilder();
        foreach (var (label, url) in links)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(url.AbsoluteUri)}\">{E(label)}</a><br>\n");
            text.Append(CultureInfo.InvariantCulture, $"{label}: {url.AbsoluteUri}\n");
        }

        html.Append("</p>\n");
        var footer = email.HtmlBody.LastIndexOf("<p style=\"color:#777", StringComparison.Ordinal);
        var signature = email.TextBody.LastIndexOf("\n-- \n", StringComparison.Ordinal);
        return email with
        {
            HtmlBody = email.HtmlBody.Insert(footer, html.ToString()),
            TextBody = email.TextBody.Insert(signature, "\n" + text.ToString().TrimEnd('\n')),
        };
    }

    internal static List<(string Label, string Value)> TargetFields(AlertIncident alert)
    {
        var incident = alert.Incident;
        var fields = new List<(string, string)>();
        if (!IncidentKind.Of(incident.Type).OfProbe && !string.IsNullOrWhiteSpace(incident.TargetName))
        {
            var host = MailText.SingleLine(alert.TargetHost);
            var target = MailText.SingleLine(incident.TargetName);
            fields.Add(("Target", host.Length == 0 ? target : $"{target} ({host})"));
        }

        if (!string.IsNullOrWhiteSpace(alert.TargetCategory))
        {
            fields.Add(("Category", MailText.SingleLine(alert.TargetCategory)));
        }

        if (!string.IsNullOrWhiteSpace(alert.TargetDescription))
        {
            fields.Add(("Description", MailText.SingleLine(alert.TargetDescription, maxLength: 300)));
        }

        fields.Add(("Probe", MailText.SingleLine(incident.ProbeId)));
        return fields;
    }

    internal static void AddPeakUptimeAndGroup(List<(string Label, string Value)> fields, AlertIncident alert)
    {
        if (IncidentKind.DescribePeak(alert.Incident) is { } peak)
        {
            fields.Add(("Peak", peak));
        }

        if (!IncidentKind.Of(alert.Incident.Type).OfProbe)
        {
            fields.Add(("Uptime, last 24 h", AlertText.Uptime(alert.Uptime24hPercent)));
        }

        if (!string.IsNullOrWhiteSpace(alert.Path))
        {
            fields.Add(("Path at start", MailText.SingleLine(alert.Path, maxLength: 600)));
        }

        if (alert.GroupedTargets.Count > 0)
        {
            var names = string.Join(", ", alert.GroupedTargets.Select(n => MailText.SingleLine(n)).Order(StringComparer.Ordinal));
            fields.Add(("Also affected", $"{names} (grouped under this uplink incident)"));
        }

        fields.Add(("Incident", MailText.SingleLine(alert.Incident.Id, maxLength: 200)));
    }

    private static AlertEmail Render(
        string subject,
        string lead,
        string colour,
        IReadOnlyList<(string Label, string Value)> fields,
        SummaryTable? table)
    {
        // The subject's parts were made single-line already; this is the last guard against a header break.
        subject = MailText.SingleLine(subject, maxLength: 200);
        return new AlertEmail(subject, RenderHtml(subject, lead, colour, fields, table), RenderText(lead, fields, table));
    }

    private static string RenderText(string lead, IReadOnlyList<(string Label, string Value)> fields, SummaryTable? table)
    {
        var text = new StringBuilder();
        text.Append(lead).Append("\n\n");
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Label.Length) + 2;
        foreach (var (label, value) in fields)
        {
            text.Append((label + ":").PadRight(width)).Append(value).Append('\n');
        }

        if (table is not null)
        {
            text.Append(string.Join(" | ", table.Headers)).Append('\n');
            foreach (var row in table.Rows)
            {
                text.Append(string.Join(" | ", row)).Append('\n');
            }
        }

        text.Append("\n-- \nNetPulse\n");
        return text.ToString();
    }

    private static string RenderHtml(
        string subject,
        string lead,
        string colour,
        IReadOnlyList<(string Label, string Value)> fields,
        SummaryTable? table)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(E(subject))
            .Append("</title></head>\n<body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222\">\n")
            .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:16px;font-weight:600;color:{colour}\">")
            .Append(E(lead))
            .Append("</p>\n");

        if (fields.Count > 0)
        {
            html.Append("<table style=\"border-collapse:collapse\">\n");
            foreach (var (label, value) in fields)
            {
                html.Append("<tr><th style=\"text-align:left;padding:2px 12px 2px 0;vertical-align:top\">")
                    .Append(E(label))
                    .Append("</th><td style=\"padding:2px 0\">")
                    .Append(E(value))
                    .Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        if (table is not null)
        {
            const string Cell = "border:1px solid #ccc;padding:3px 8px;text-align:left";
            html.Append("<table style=\"border-collapse:collapse\">\n<tr>");
            foreach (var header in table.Headers)
            {
                html.Append(CultureInfo.InvariantCulture, $"<th style=\"{Cell};background:#f2f2f2\">").Append(E(header)).Append("</th>");
            }

            html.Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>");
                foreach (var value in row)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<td style=\"{Cell}\">").Append(E(value)).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("<p style=\"color:#777;font-size:12px\">NetPulse</p>\n</body></html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private sealed record SummaryTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);
}
