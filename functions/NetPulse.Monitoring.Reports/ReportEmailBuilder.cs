using System.Globalization;
using System.Net;
using System.Text;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Reports;

/// <summary>A built report email before addressing and transport; <see cref="Charts"/> name the images the HTML refers to.</summary>
internal sealed record ReportEmail(string Subject, string HtmlBody, string TextBody, string CsvFileName, byte[] Csv, IReadOnlyList<ReportEmailChart> Charts);

/// <summary>An inline chart: the HTML shows it as <c>cid:ContentId</c>.</summary>
internal sealed record ReportEmailChart(string ContentId, string FileName, TargetDayReport Target);

/// <summary>
/// Builds the daily report email: a summary table of all targets with their grades, details with a chart for
/// the worst <c>maxCharts</c> targets, the day's incidents, the same as plain text, and the CSV. Pure (the
/// charts are only named here), so wording and escaping are tested without a mail server. Text from config is
/// made single-line and HTML-encoded.
/// </summary>
internal sealed class ReportEmailBuilder(TimeZoneInfo zone, int maxCharts)
{
    /// <summary>Incidents listed in the body; the CSV and the API have them all.</summary>
    public const int MaxIncidentRows = 200;

    private const string Brand = "[NetPulse]";
    private const string Cell = "border:1px solid #ccc;padding:3px 8px;text-align:left";
    private const string NumberCell = "border:1px solid #ccc;padding:3px 8px;text-align:right";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public ReportEmail Build(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var date = report.Date.ToString("yyyy-MM-dd", Invariant);
        var charts = report.Targets
            .Where(t => t.Statistics.Count > 0)
            .Take(maxCharts)
            .Select((t, i) => new ReportEmailChart($"chart-{i + 1}.{date}@netpulse", $"chart-{i + 1}.png", t))
            .ToList();
        var incidents = Incidents(report);
        var subject = MailText.SingleLine($"{Brand} Daily report {date}: {GradeLine(report.Grades)}, {Count(incidents.Count, "incident")}", maxLength: 200);
        var lead = Lead(report, incidents.Count);
        return new ReportEmail(
            subject,
            Html(report, subject, lead, charts, incidents),
            Text(report, lead, charts, incidents),
            $"netpulse-report-{date}.csv",
            ReportCsv.Write(report),
            charts);
    }

    /// <summary>What the alert channels are told when the report is mailed (<see cref="Incidents.IReportAnnouncer"/>): the lead, not the report.</summary>
    public (string Title, IReadOnlyList<string> Lines) Announcement(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ($"Daily report {report.Date.ToString("yyyy-MM-dd", Invariant)}", [Lead(report, Incidents(report).Count)]);
    }

    private string Lead(DailyReport report, int incidents)
    {
        var hours = (report.To - report.From).TotalHours;
        var length = hours switch
        {
            < 24 => string.Create(Invariant, $"{hours:0.#} hours (clocks went forward)"),
            > 24 => string.Create(Invariant, $"{hours:0.#} hours (clocks went back)"),
            _ => "24 hours",
        };
        var silent = report.ProbeIncidents.Count == 0
            ? ""
            : $" Probes were silent {Count(report.ProbeIncidents.Count, "time")}: the figures miss those spans.";
        var alerts = (report.UndeliveredAlerts, report.PendingAlerts) switch
        {
            (0, 0) => "",
            (var undelivered, 0) => $" {Count(undelivered, "alert")} could not be delivered (see Alerts on the dashboard).",
            (0, var pending) => $" {Count(pending, "alert")} still being retried.",
            (var undelivered, var pending) => $" {Count(undelivered, "alert")} could not be delivered and {pending.ToString(Invariant)} more still being retried (see Alerts on the dashboard).",
        };
        return $"{report.Date.ToString("dddd d MMMM yyyy", Invariant)} in {zone.Id}, {length}. " +
               $"{Count(report.Targets.Count, "target")}: {GradeLine(report.Grades)}; {Count(incidents, "incident")}.{silent}{alerts}";
    }

    private string Html(DailyReport report, string subject, string lead, List<ReportEmailChart> charts, List<(string Target, ReportIncident Incident)> incidents)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(E(subject))
            .Append("</title></head>\n<body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222\">\n")
            .Append("<h2 style=\"margin:0 0 8px\">NetPulse daily report</h2>\n<p>").Append(E(lead)).Append("</p>\n");

        html.Append("<table style=\"border-collapse:collapse\">\n<tr>");
        foreach (var header in SummaryHeaders)
        {
            html.Append(Invariant, $"<th style=\"{Cell};background:#f2f2f2\">").Append(E(header)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var target in report.Targets)
        {
            var row = SummaryRow(target);
            html.Append("<tr>")
                .Append(Invariant, $"<td style=\"{Cell};font-weight:700;color:#fff;background:{GradeColour(target.Grade)};text-align:center\">")
                .Append(E(row[0])).Append("</td>");
            for (var i = 1; i < row.Count; i++)
            {
                html.Append(Invariant, $"<td style=\"{(i >= 3 && i <= 9 ? NumberCell : Cell)}\">").Append(E(row[i])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");

        if (charts.Count > 0)
        {
            html.Append("<h3>Details</h3>\n");
            foreach (var chart in charts)
            {
                var t = chart.Target;
                html.Append("<h4 style=\"margin:16px 0 4px\">").Append(E(Title(t))).Append("</h4>\n<p style=\"margin:0 0 4px;color:#555\">")
                    .Append(E(GradeText(t))).Append("</p>\n<ul style=\"margin:0 0 4px\">");
                foreach (var finding in t.Recommendations)
                {
                    html.Append("<li>").Append(E(finding)).Append("</li>");
                }

                html.Append("</ul>\n")
                    .Append(Invariant, $"<img src=\"cid:{chart.ContentId}\" width=\"{ReportChart.Width}\" height=\"{ReportChart.Height}\" alt=\"")
                    .Append(E("Latency of " + MailText.SingleLine(t.TargetName)))
                    .Append("\">\n");
            }
        }

        var uncharted = report.Targets.Count - charts.Count;
        if (uncharted > 0)
        {
            html.Append("<p style=\"color:#555\">").Append(E(UnchartedNote(uncharted))).Append("</p>\n");
        }

        html.Append("<h3>Incidents</h3>\n");
        if (incidents.Count == 0)
        {
            html.Append("<p>None.</p>\n");
        }
        else
        {
            html.Append("<table style=\"border-collapse:collapse\">\n<tr>");
            foreach (var header in IncidentHeaders)
            {
                html.Append(Invariant, $"<th style=\"{Cell};background:#f2f2f2\">").Append(E(header)).Append("</th>");
            }

            html.Append("</tr>\n");
            foreach (var row in incidents.Take(MaxIncidentRows).Select(i => IncidentRow(report, i.Target, i.Incident)))
            {
                html.Append("<tr>");
                foreach (var value in row)
                {
                    html.Append(Invariant, $"<td style=\"{Cell}\">").Append(E(value)).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</table>\n");
            if (incidents.Count > MaxIncidentRows)
            {
                html.Append("<p>").Append(E(MoreIncidentsNote(incidents.Count))).Append("</p>\n");
            }
        }

        html.Append("<p style=\"color:#777;font-size:12px\">NetPulse. The attached CSV has every figure of every target.</p>\n</body></html>\n");
        return html.ToString();
    }

    private string Text(DailyReport report, string lead, List<ReportEmailChart> charts, List<(string Target, ReportIncident Incident)> incidents)
    {
        var text = new StringBuilder();
        text.Append("NetPulse daily report\n\n").Append(lead).Append("\n\n");
        AppendTable(text, SummaryHeaders, report.Targets.Select(SummaryRow).ToList());

        if (charts.Count > 0)
        {
            text.Append("\nDetails\n");
            foreach (var t in charts.Select(c => c.Target))
            {
                text.Append('\n').Append(Title(t)).Append('\n').Append(GradeText(t)).Append('\n');
                foreach (var finding in t.Recommendations)
                {
                    text.Append("- ").Append(finding).Append('\n');
                }
            }
        }

        var uncharted = report.Targets.Count - charts.Count;
        if (uncharted > 0)
        {
            text.Append('\n').Append(UnchartedNote(uncharted)).Append('\n');
        }

        text.Append("\nIncidents\n");
        if (incidents.Count == 0)
        {
            text.Append("None.\n");
        }
        else
        {
            AppendTable(text, IncidentHeaders, incidents.Take(MaxIncidentRows).Select(i => IncidentRow(report, i.Target, i.Incident)).ToList());

            if (incidents.Count > MaxIncidentRows)
            {
                text.Append(MoreIncidentsNote(incidents.Count)).Append('\n');
            }
        }

        text.Append("\n-- \nNetPulse. The attached CSV has every figure of every target.\n");
        return text.ToString();
    }

    /// <summary>Columns padded to their widest cell, for mail clients that show plain text in a fixed font.</summary>
    private static void AppendTable(StringBuilder text, IReadOnlyList<string> headers, List<List<string>> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToList();
        void Row(IReadOnlyList<string> cells) =>
            text.AppendJoin(" | ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).Append('\n');

        Row(headers);
        text.AppendJoin("-+-", widths.Select(w => new string('-', w))).Append('\n');
        foreach (var row in rows)
        {
            Row(row);
        }
    }

    private static readonly string[] SummaryHeaders =
        ["Grade", "Target", "Probe", "Uptime", "Loss", "Median", "p95", "Jitter", "Downtime", "Incidents", "Trend"];

    private static readonly string[] IncidentHeaders = ["Target", "Problem", "Started", "Ended", "In this day", "Peak"];

    private static List<string> SummaryRow(TargetDayReport t) =>
    [
        t.Grade?.ToString() ?? "–",
        MailText.SingleLine(t.TargetName),
        MailText.SingleLine(t.ProbeId),
        Percent(t.UptimePercent),
        Percent(t.Statistics.LossPercent),
        Ms(t.Statistics.P50Ms),
        Ms(t.Statistics.P95Ms),
        Ms(t.Statistics.JitterMs),
        (t.DowntimeSeconds > 0 ? MailText.Duration(TimeSpan.FromSeconds(t.DowntimeSeconds)) : "–")
            + (t.PlannedDowntimeSeconds > 0 ? $" (+{MailText.Duration(TimeSpan.FromSeconds(t.PlannedDowntimeSeconds))} planned)" : ""),
        t.IncidentCount.ToString(Invariant) + (t.PlannedIncidentCount > 0 ? string.Create(Invariant, $" ({t.PlannedIncidentCount} planned)") : ""),
        t.Trend.Direction switch
        {
            TrendDirection.Better => "better",
            TrendDirection.Worse => "worse",
            TrendDirection.Steady => "steady",
            TrendDirection.Unknown => "–",
        },
    ];

    private List<string> IncidentRow(DailyReport report, string target, ReportIncident incident) =>
    [
        target,
        IncidentKind.Of(incident.Type).Problem + (incident.MaintenanceWindowId is null ? "" : " (maintenance)"),
        Local(report, incident.Start),
        incident.End is { } end ? Local(report, end) : "still open",
        MailText.Duration(TimeSpan.FromSeconds(incident.SecondsInDay)),
        IncidentKind.DescribePeak(new Incident
        {
            Id = incident.Id,
            ProbeId = incident.ProbeId,
            TargetName = target,
            Type = incident.Type,
            Start = incident.Start,
            End = incident.End,
            PeakValue = incident.PeakValue,
            Threshold = incident.Threshold,
        }) ?? "",
    ];

    /// <summary>Every incident of the day, targets' and probes', oldest first, with the name it is listed under.</summary>
    private static List<(string Target, ReportIncident Incident)> Incidents(DailyReport report) =>
    [
        .. report.Targets.SelectMany(t => t.Incidents.Select(i => (MailText.SingleLine(t.TargetName), i)))
            .Concat(report.ProbeIncidents.Select(i => ($"probe {MailText.SingleLine(i.ProbeId)}", i)))
            .OrderBy(x => x.Item2.Start)
            .ThenBy(x => x.Item1, StringComparer.Ordinal),
    ];

    /// <summary>Clock time in the zone; the date too when it is not the report's; the offset on a day clocks change.</summary>
    private string Local(DailyReport report, DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        var text = DateOnly.FromDateTime(local.DateTime) == report.Date
            ? local.ToString("HH:mm:ss", Invariant)
            : local.ToString("yyyy-MM-dd HH:mm:ss", Invariant);
        if (report.To - report.From != TimeSpan.FromHours(24))
        {
            var offset = local.Offset;
            text += string.Create(Invariant, $" (UTC{(offset < TimeSpan.Zero ? '-' : '+')}{offset:hh\\:mm})");
        }

        return text;
    }

    private static string Title(TargetDayReport t)
    {
        var name = MailText.SingleLine(t.TargetName);
        var host = MailText.SingleLine(t.Settings.Host);
        var grade = t.Grade?.ToString() ?? "no grade";
        return host.Length == 0 || host == name ? $"{grade}: {name}" : $"{grade}: {name} ({host})";
    }

    private static string GradeText(TargetDayReport t)
    {
        var s = t.Statistics;
        return string.Create(Invariant, $"{t.GradeReason}. {s.Count} rounds, {s.Successes} replies, min/avg/max {Ms(s.MinMs)}/{Ms(s.AvgMs)}/{Ms(s.MaxMs)}, p99 {Ms(s.P99Ms)}.");
    }

    private static string UnchartedNote(int count) =>
        $"{Count(count, "more target")} without a chart here: see the table above and the attached CSV.";

    private static string MoreIncidentsNote(int count) =>
        string.Create(Invariant, $"… and {count - MaxIncidentRows} more incidents; the dashboard lists them all.");

    private static string GradeLine(GradeCounts grades)
    {
        var parts = new List<string>();
        void Add(int count, string label)
        {
            if (count > 0)
            {
                parts.Add(string.Create(Invariant, $"{count} {label}"));
            }
        }

        Add(grades.F, "F");
        Add(grades.D, "D");
        Add(grades.C, "C");
        Add(grades.B, "B");
        Add(grades.A, "A");
        Add(grades.Ungraded, "without rounds");
        return parts.Count == 0 ? "no targets reported" : string.Join(", ", parts);
    }

    private static string GradeColour(ReportGrade? grade) => grade switch
    {
        ReportGrade.A => "#1b7f3b",
        ReportGrade.B => "#5a9e2f",
        ReportGrade.C => "#b58900",
        ReportGrade.D => "#cb4b16",
        ReportGrade.F => "#b00020",
        null => "#777777",
    };

    private static string Count(int count, string noun) =>
        string.Create(Invariant, $"{count} {noun}{(count == 1 ? "" : "s")}");

    private static string Percent(double? value) => value is { } v ? string.Create(Invariant, $"{v:0.00} %") : "–";

    private static string Ms(double? value) => value is { } v ? string.Create(Invariant, $"{v:0.0} ms") : "–";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
