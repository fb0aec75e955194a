using System.Globalization;
using System.Text;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The day's targets as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs pick the encoding). A cell that
/// begins with = + - @ (or a tab or carriage return) gets a leading apostrophe: a spreadsheet would otherwise
/// run it as a formula, and target names and hosts are text from config.
/// </summary>
internal static class ReportCsv
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Header =
    [
        "date", "time_zone", "probe", "target", "host", "category", "uplink", "grade", "grade_reason", "checks", "successes",
        "uptime_percent", "loss_percent", "loss_while_up_percent", "min_ms", "avg_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms",
        "jitter_ms", "latency_threshold_ms", "loss_threshold_percent", "incidents", "downtime_s", "longest_downtime_s",
        "trend", "previous_day_p50_ms", "week_avg_p50_ms", "week_avg_uptime_percent", "recommendations",
    ];

    public static byte[] Write(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        AppendRow(csv, Header);
        var date = report.Date.ToString("yyyy-MM-dd", Invariant);
        foreach (var t in report.Targets)
        {
            var s = t.Statistics;
            AppendRow(csv,
            [
                date, report.TimeZone, t.ProbeId, t.TargetName, t.Settings.Host, t.Settings.Category ?? "", t.Settings.Uplink ? "true" : "false",
                t.Grade?.ToString() ?? "", t.GradeReason, Number(s.Count), Number(s.Successes),
                Number(t.UptimePercent), Number(s.LossPercent), Number(t.LossWhileUpPercent), Number(s.MinMs), Number(s.AvgMs),
                Number(s.MaxMs), Number(s.P50Ms), Number(s.P95Ms), Number(s.P99Ms), Number(s.JitterMs),
                Number(t.LatencyThresholdMs), Number(t.LossThresholdPercent), Number(t.IncidentCount), Number(t.DowntimeSeconds),
                Number(t.LongestDowntimeSeconds), t.Trend.Direction.ToString(), Number(t.Trend.PreviousDay?.P50Ms),
                Number(t.Trend.WeekAverage?.P50Ms), Number(t.Trend.WeekAverage?.UptimePercent), string.Join(" ", t.Recommendations),
            ]);
        }

        var preamble = Encoding.UTF8.GetPreamble();
        var body = Encoding.UTF8.GetBytes(csv.ToString());
        return [.. preamble, .. body];
    }

    /// <summary>One cell: neutralised if a spreadsheet would read it as a formula, then quoted if it needs to be.</summary>
    public static string Cell(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static void AppendRow(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(Cell));
        csv.Append("\r\n");
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.###", Invariant) : "";

    private static string Number(int value) => value.ToString(Invariant);
}
