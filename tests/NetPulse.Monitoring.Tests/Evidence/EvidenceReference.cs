using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>
/// The evidence figures the slow, obvious way: plain loops over the rounds, each round's local time from
/// <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/>, percentiles by sorting and counting.
/// Shares no code with <see cref="EvidenceCalculator"/> but the grade table (<see cref="ReportGrading"/>).
/// </summary>
internal static class EvidenceReference
{
    public sealed record Cell(int Rounds, int Replies, double? LossPercent, double? P95Ms, bool Exists);

    public sealed record Figures(
        int Sent, int Received, double? LossPercent, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs, double? AvgMs, double? JitterMs,
        double? Mos, (DateTimeOffset Start, double Seconds, int Rounds)? LongestBurst, List<(DateTimeOffset Start, double Seconds, int Rounds)> Outages,
        double CoveragePercent, ReportGrade? Grade, Dictionary<(DateOnly Date, int Hour), Cell> Heatmap);

    public static Figures Of(GeneratedTarget generated, EvidencePeriod period)
    {
        var rounds = new List<Sample>();
        foreach (var s in generated.Samples)
        {
            if (s.Time >= period.From && s.Time < period.To)
            {
                rounds.Add(s);
            }
        }

        var rtts = new List<double>();
        foreach (var s in rounds)
        {
            if (s.Value >= 0)
            {
                rtts.Add(s.Value / 1000.0);
            }
        }

        double? jitter = null;
        if (rtts.Count >= 2)
        {
            double total = 0;
            for (var i = 1; i < rtts.Count; i++)
            {
                total += Math.Abs(rtts[i] - rtts[i - 1]);
            }

            jitter = total / (rtts.Count - 1);
        }

        double? avg = rtts.Count == 0 ? null : rtts.Sum() / rtts.Count;
        double? loss = rounds.Count == 0 ? null : 100.0 * (rounds.Count - rtts.Count) / rounds.Count;

        double? mos = null;
        if (avg is { } a)
        {
            var effective = a + 2 * (jitter ?? 0) + 10;
            var r = effective < 160 ? 93.2 - effective / 40 : 93.2 - (effective - 120) / 10;
            r -= 2.5 * (loss ?? 0);
            mos = r <= 0 ? 1 : r >= 100 ? 4.5 : Math.Min(4.5, Math.Max(1, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)));
        }

        var interval = generated.Target.Settings.IntervalMs / 1000.0;
        var bursts = new List<(DateTimeOffset Start, double Seconds, int Rounds)>();
        for (var i = 0; i < rounds.Count; i++)
        {
            var startsRun = rounds[i].Value < 0
                && (i == 0 || rounds[i - 1].Value >= 0 || (rounds[i].Time - rounds[i - 1].Time).TotalSeconds > 1.5 * interval);
            if (!startsRun)
            {
                continue;
            }

            var j = i;
            while (j + 1 < rounds.Count && rounds[j + 1].Value < 0 && (rounds[j + 1].Time - rounds[j].Time).TotalSeconds <= 1.5 * interval)
            {
                j++;
            }

            bursts.Add((rounds[i].Time, (rounds[j].Time - rounds[i].Time).TotalSeconds + interval, j - i + 1));
        }

        (DateTimeOffset, double, int)? longest = null;
        foreach (var b in bursts)
        {
            if (longest is null || b.Seconds > longest.Value.Item2)
            {
                longest = b;
            }
        }

        var expected = Math.Floor((period.To - period.From).TotalSeconds / interval);
        var coverage = Math.Min(100, 100.0 * rounds.Count / expected);

        var heatmap = new Dictionary<(DateOnly, int), Cell>();
        var byCell = new Dictionary<(DateOnly, int), List<Sample>>();
        foreach (var s in rounds)
        {
            var local = TimeZoneInfo.ConvertTime(s.Time, period.Zone);
            var key = (DateOnly.FromDateTime(local.DateTime), local.Hour);
            if (!byCell.TryGetValue(key, out var list))
            {
                byCell[key] = list = [];
            }

            list.Add(s);
        }

        for (var date = period.FirstDate; date <= period.LastDate; date = date.AddDays(1))
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var exists = !period.Zone.IsInvalidTime(date.ToDateTime(new TimeOnly(hour, 0)))
                    || !period.Zone.IsInvalidTime(date.ToDateTime(new TimeOnly(hour, 59)));
                var list = byCell.GetValueOrDefault((date, hour)) ?? [];
                var replies = list.Where(s => s.Value >= 0).Select(s => s.Value / 1000.0).ToList();
                heatmap[(date, hour)] = new Cell(
                    list.Count,
                    replies.Count,
                    list.Count == 0 ? null : 100.0 * (list.Count - replies.Count) / list.Count,
                    replies.Count == 0 ? null : Percentile(replies, 95),
                    exists);
            }
        }

        return new Figures(
            rounds.Count, rtts.Count, loss,
            rtts.Count == 0 ? null : Percentile(rtts, 50),
            rtts.Count == 0 ? null : Percentile(rtts, 95),
            rtts.Count == 0 ? null : Percentile(rtts, 99),
            rtts.Count == 0 ? null : rtts.Max(),
            avg, jitter, mos, longest, [.. bursts.Where(b => b.Seconds >= 30)], coverage, Grade(generated, period, rounds), heatmap);
    }

    /// <summary>Nearest rank: the smallest value with at least p % of the values at or below it.</summary>
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        for (var k = 0; k < sorted.Count; k++)
        {
            // k + 1 values are at or below sorted[k].
            if ((k + 1) * 100.0 >= p * sorted.Count)
            {
                return sorted[k];
            }
        }

        return sorted[^1];
    }

    private static ReportGrade? Grade(GeneratedTarget generated, EvidencePeriod period, List<Sample> rounds)
    {
        bool During(Incident i, DateTimeOffset t) => t >= i.Start && t < (i.End ?? DateTimeOffset.MaxValue) && t >= period.From && t < period.To;

        var judged = rounds.Where(r => !generated.Incidents.Any(i => i.IsMaintenance && During(i, r.Time))).ToList();
        var up = judged.Where(r => !generated.Incidents.Any(i => i.Type == IncidentType.Down && !i.IsMaintenance && During(i, r.Time))).ToList();
        var replies = judged.Where(r => r.Value >= 0).Select(r => r.Value / 1000.0).ToList();
        double? lossWhileUp = up.Count == 0 ? null : 100.0 * up.Count(r => r.Value < 0) / up.Count;
        return ReportGrading.Grade(
            judged.Count, up.Count,
            replies.Count == 0 ? null : Percentile(replies, 50),
            replies.Count == 0 ? null : Percentile(replies, 95),
            lossWhileUp, generated.Target.LatencyThresholdMs, generated.Target.LossThresholdPercent).Grade;
    }
}
