using System.Globalization;
using System.Text;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The day's targets as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs pick the encoding), in
/// <see cref="Csv"/>'s cells: text from config (probe, names, hosts, categories, the time zone) and the prose
/// around it are neutralised, numbers and enum names written as they are.
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
        Csv.AppendRow(csv, Header);
        var date = report.Date.ToString("yyyy-MM-dd", Invariant);
        foreach (var t in report.Targets)
        {
            var s = t.Statistics;
            Csv.AppendRow(csv,
            [
                date, Csv.Text(report.TimeZone), Csv.Text(t.ProbeId), Csv.Text(t.TargetName), Csv.Text(t.Settings.Host),
                Csv.Text(t.Settings.Category), t.Settings.Uplink ? "true" : "false",
                t.Grade?.ToString() ?? "", Csv.Text(t.GradeReason), Number(s.Count), Number(s.Successes),
                Number(t.UptimePercent), Number(s.LossPercent), Number(t.LossWhileUpPercent), Number(s.MinMs), Number(s.AvgMs),
                Number(s.MaxMs), Number(s.P50Ms), Number(s.P95Ms), Number(s.P99Ms), Number(s.JitterMs),
                Number(t.LatencyThresholdMs), Number(t.LossThresholdPercent), Number(t.IncidentCount), Number(t.DowntimeSeconds),
                Number(t.LongestDowntimeSeconds), t.Trend.Direction.ToString(), Number(t.Trend.PreviousDay?.P50Ms),
                Number(t.Trend.WeekAverage?.P50Ms), Number(t.Trend.WeekAverage?.UptimePercent), Csv.Text(string.Join(" ", t.Recommendations)),
            ]);
        }

        var preamble = Encoding.UTF8.GetPreamble();
        var body = Encoding.UTF8.GetBytes(csv.ToString());
        return [.. preamble, .. body];
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.###", Invariant) : "";

    private static string Number(int value) => value.ToString(Invariant);
}
