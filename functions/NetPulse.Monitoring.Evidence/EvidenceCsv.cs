using System.Globalization;
using System.Text;
using NetPulse.Monitoring.Storage;
using static NetPulse.Monitoring.Evidence.EvidenceText;

namespace NetPulse.Monitoring.Evidence;

/// <summary>One CSV file of the pack: its name and its bytes.</summary>
public sealed record EvidenceCsvFile(string FileName, byte[] Content);

/// <summary>
/// The pack's tables as CSV, one file each (RFC 4180, UTF-8 with BOM, <see cref="Csv"/>'s cells: text from config
/// neutralised): targets (the percentile table), outages (every loss burst of 30 s or more and each target's longest),
/// incidents (every one, not only those the PDF lists), and the heatmap (one row per local date and hour).
/// Numbers are unrounded and invariant; times are local ISO 8601 with their offset, as in the PDF.
/// </summary>
internal static class EvidenceCsv
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<EvidenceCsvFile> Write(EvidencePack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var stem = FileStem(pack);
        return
        [
            new($"{stem}-targets.csv", Targets(pack)),
            new($"{stem}-outages.csv", Outages(pack)),
            new($"{stem}-incidents.csv", Incidents(pack)),
            new($"{stem}-heatmap.csv", Heatmap(pack)),
        ];
    }

    /// <summary>"netpulse-evidence-home-2026-W13": the probe id kept to letters, digits, '-' and '_'.</summary>
    public static string FileStem(EvidencePack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var probe = new string([.. pack.ProbeId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return $"netpulse-evidence-{probe}-{pack.Period.Id}";
    }

    private static byte[] Targets(EvidencePack pack)
    {
        var csv = Start(
            "period", "time_zone", "probe", "target", "host", "category", "uplink", "role", "sent", "received", "loss_percent", "avg_ms", "p50_ms",
            "p95_ms", "p99_ms", "max_ms", "jitter_ms", "mos", "longest_burst_start", "longest_burst_s", "longest_burst_rounds", "outages",
            "expected_rounds", "coverage_percent", "uptime_percent", "loss_while_up_percent", "grade", "grade_reason");
        foreach (var t in pack.Targets)
        {
            var s = t.Statistics;
            Row(csv,
                pack.Period.Id, Csv.Text(pack.Period.Zone.Id), Csv.Text(pack.ProbeId), Csv.Text(t.TargetName), Csv.Text(t.Settings.Host),
                Csv.Text(t.Settings.Category), t.Settings.Uplink ? "true" : "false", t.Role.ToString(), Raw(s.Count), Raw(s.Successes), Raw(s.LossPercent),
                Raw(s.AvgMs), Raw(s.P50Ms), Raw(s.P95Ms), Raw(s.P99Ms), Raw(s.MaxMs), Raw(s.JitterMs), Raw(t.MeanOpinionScore),
                t.LongestLossBurst is { } b ? Iso(b.Start, pack.Period.Zone) : "", Raw(t.LongestLossBurst?.Duration.TotalSeconds),
                t.LongestLossBurst is { } r ? Raw(r.Rounds) : "", Raw(t.Outages.Count), Raw(t.ExpectedRounds), Raw(t.CoveragePercent),
                Raw(t.UptimePercent), Raw(t.LossWhileUpPercent), t.Grade?.ToString() ?? "", Csv.Text(t.GradeReason));
        }

        return Bytes(csv);
    }

    private static byte[] Outages(EvidencePack pack)
    {
        var csv = Start("probe", "target", "kind", "start", "end", "duration_s", "failed_rounds");
        foreach (var t in pack.Targets)
        {
            var bursts = t.Outages.Select(o => (Burst: o, Kind: "outage")).ToList();
            if (t.LongestLossBurst is { } longest && !t.Outages.Contains(longest))
            {
                bursts.Add((longest, "longest_burst"));
            }

            foreach (var (burst, kind) in bursts.OrderBy(b => b.Burst.Start))
            {
                Row(csv, Csv.Text(pack.ProbeId), Csv.Text(t.TargetName), kind, Iso(burst.Start, pack.Period.Zone), Iso(burst.End, pack.Period.Zone),
                    Raw(burst.Duration.TotalSeconds), Raw(burst.Rounds));
            }
        }

        return Bytes(csv);
    }

    private static byte[] Incidents(EvidencePack pack)
    {
        var csv = Start("id", "probe", "target", "type", "start", "end", "duration_s", "peak", "threshold", "planned");
        foreach (var i in pack.Incidents)
        {
            Row(csv, Csv.Text(i.Id), Csv.Text(pack.ProbeId), Csv.Text(i.TargetName), Type(i.Type), Iso(i.Start, pack.Period.Zone),
                i.End is { } end ? Iso(end, pack.Period.Zone) : "", Raw((i.End - i.Start)?.TotalSeconds), Raw(i.PeakValue), Raw(i.Threshold),
                i.Planned ? "true" : "false");
        }

        return Bytes(csv);
    }

    private static byte[] Heatmap(EvidencePack pack)
    {
        var csv = Start("probe", "target", "local_date", "local_hour", "hour_exists", "rounds", "replies", "loss_percent", "p95_ms");
        foreach (var t in pack.Targets)
        {
            foreach (var c in t.Heatmap)
            {
                Row(csv, Csv.Text(pack.ProbeId), Csv.Text(t.TargetName), c.Date.ToString("yyyy-MM-dd", Invariant), Raw(c.Hour),
                    c.HourExists ? "true" : "false", Raw(c.Rounds), Raw(c.Replies), Raw(c.LossPercent), Raw(c.P95Ms));
            }
        }

        return Bytes(csv);
    }

    private static StringBuilder Start(params string[] header) => Csv.AppendRow(new StringBuilder(), header);

    private static void Row(StringBuilder csv, params string[] cells) => Csv.AppendRow(csv, cells);

    /// <summary>Unrounded ("R" keeps every digit a double has); empty for no figure.</summary>
    private static string Raw(double? value) => value is { } v ? v.ToString("R", Invariant) : "";

    private static string Raw(long value) => value.ToString(Invariant);

    private static byte[] Bytes(StringBuilder csv) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
}
