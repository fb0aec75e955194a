using System.Globalization;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// Short plain-language findings from a target's day, rule by rule, most important first, at most
/// <see cref="MaxFindings"/>. Each rule reads only figures of the report, so each is tested with a made-up day.
/// </summary>
internal static class ReportAdvice
{
    public const int MaxFindings = 4;

    /// <summary>An hour is a peak when its median is this many times the day's median...</summary>
    public const double PeakRatio = 1.5;

    /// <summary>...and at least this much above it, so a 1 ms target's 2 ms hour is no peak.</summary>
    public const double PeakMinMs = 5;

    /// <summary>Peaks shorter than this many consecutive hours are left out as noise.</summary>
    public const int PeakMinHours = 2;

    /// <summary>An hour needs this many replies for its median to count.</summary>
    public const int PeakMinReplies = 3;

    /// <summary>Local hour from which a peak counts as an evening peak (busy hours at home: streaming, gaming).</summary>
    public const int EveningFromHour = 17;

    /// <summary>Loss while up at or above this (percent) is worth a word even under the target's threshold.</summary>
    public const double LossWhileUpPercent = 1;

    /// <summary>Down incidents in a day from which outages count as repeated.</summary>
    public const int RepeatedOutages = 3;

    /// <summary>Jitter at or above this (ms) and half the median is worth a word.</summary>
    public const double JitterMs = 10;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> For(TargetDayReport day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(zone);
        if (day.Statistics.Count == 0)
        {
            return ["No rounds were stored for this target: check that the probe was running and could reach the queue."];
        }

        var findings = new List<string>();
        if (Downtime(day, zone) is { } downtime)
        {
            findings.Add(downtime);
        }

        if (day.LossWhileUpPercent is { } loss && loss >= Math.Min(LossWhileUpPercent, day.LossThresholdPercent))
        {
            findings.Add(day.DowntimeSeconds == 0
                ? string.Create(Invariant, $"Loss without downtime ({loss:0.##} % of rounds): check the link: cable, Wi-Fi signal, duplex settings.")
                : string.Create(Invariant, $"Loss besides the downtime ({loss:0.##} % of the rounds while up): check the link: cable, Wi-Fi signal, duplex settings."));
        }

        if (Peak(day, zone) is { } peak)
        {
            findings.Add(peak);
        }

        if (day.Statistics.P50Ms is { } p50 && p50 > day.LatencyThresholdMs)
        {
            findings.Add(string.Create(Invariant,
                $"Median latency {p50:0.#} ms is above the {day.LatencyThresholdMs:0.#} ms threshold: the path itself is slow; raise the target's threshold if that is normal for it."));
        }
        else if (day.Statistics.P95Ms is { } p95 && p95 > day.LatencyThresholdMs)
        {
            findings.Add(string.Create(Invariant,
                $"1 ping in 20 took longer than {day.LatencyThresholdMs:0.#} ms (95th percentile {p95:0.#} ms): latency spikes, not a slow path."));
        }

        if (day.Statistics.JitterMs is { } jitter && day.Statistics.P50Ms is { } median && jitter >= JitterMs && jitter >= median / 2)
        {
            findings.Add(string.Create(Invariant,
                $"High jitter ({jitter:0.#} ms against a median of {median:0.#} ms): calls and games will stutter; look for a congested link or Wi-Fi interference."));
        }

        if (Trend(day) is { } trend)
        {
            findings.Add(trend);
        }

        if (findings.Count == 0)
        {
            findings.Add(day.Grade == ReportGrade.A ? "No action needed." : "Nothing stands out beyond the grade's figures.");
        }

        return findings.Count > MaxFindings ? findings[..MaxFindings] : findings;
    }

    private static string? Downtime(TargetDayReport day, TimeZoneInfo zone)
    {
        if (day.DowntimeSeconds <= 0)
        {
            return null;
        }

        var downs = day.Incidents.Where(i => i.Type == IncidentType.Down).ToList();
        var total = MailText.Duration(TimeSpan.FromSeconds(day.DowntimeSeconds));
        if (downs.Count > 0 && downs.All(i => i.GroupedUnderIncidentId is not null))
        {
            return $"Down for {total}, all of it while the probe's uplink was down: the uplink is the cause; see its line.";
        }

        var longest = MailText.Duration(TimeSpan.FromSeconds(day.LongestDowntimeSeconds));
        var worst = downs.OrderByDescending(i => i.SecondsInDay).FirstOrDefault();
        var from = worst is null ? "" : string.Create(Invariant, $" from {TimeZoneInfo.ConvertTime(worst.Start, zone):HH:mm}");
        var count = downs.Count + (day.IncidentsNotListed > 0 ? "+" : "");
        return downs.Count >= RepeatedOutages
            ? $"{count} outages, {total} in all (longest {longest}{from}): repeated drops point at the line or the modem; note the times for your ISP."
            : $"Down for {total} (longest {longest}{from}){(day.Settings.Uplink ? ": this is the uplink, so every target behind it was cut off too." : ".")}";
    }

    /// <summary>The longest run of consecutive hours whose median stands out from the day's.</summary>
    private static string? Peak(TargetDayReport day, TimeZoneInfo zone)
    {
        if (day.Statistics.P50Ms is not { } baseline)
        {
            return null;
        }

        bool IsPeak(HourFigures h) =>
            h.Statistics.P50Ms is { } p && h.Statistics.Count * (100 - (h.Statistics.LossPercent ?? 0)) / 100 >= PeakMinReplies && p >= baseline * PeakRatio && p - baseline >= PeakMinMs;

        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < day.Hours.Count; i++)
        {
            var length = 0;
            while (i + length < day.Hours.Count && IsPeak(day.Hours[i + length]))
            {
                length++;
            }

            if (length > bestLength)
            {
                (bestStart, bestLength) = (i, length);
            }

            i += length;
        }

        if (bestLength < PeakMinHours)
        {
            return null;
        }

        var run = day.Hours.Skip(bestStart).Take(bestLength).ToList();
        var median = run.Select(h => h.Statistics.P50Ms!.Value).Order().ElementAt((run.Count - 1) / 2);
        var span = string.Create(Invariant, $"{run[0].LocalStart:HH:mm}–{EndLabel(TimeZoneInfo.ConvertTime(run[^1].LocalStart.AddHours(1), zone))}");
        var evening = run.Count(h => h.LocalStart.Hour >= EveningFromHour) * 2 >= run.Count;
        return evening
            ? string.Create(Invariant, $"Evening latency peaks {span} (median {median:0.#} ms against {baseline:0.#} ms for the day): likely congestion upstream at busy hours; worth raising with your ISP.")
            : string.Create(Invariant, $"Latency peaks {span} (median {median:0.#} ms against {baseline:0.#} ms for the day): something on the path is busy then (backups, updates, heavy use).");
    }

    private static string? Trend(TargetDayReport day)
    {
        if (day.Trend is not { Direction: TrendDirection.Worse, WeekAverage: { } average })
        {
            return null;
        }

        var today = ReportTrends.FiguresOf(day);
        var parts = ReportTrends.Worse(today, average).Select(figure => figure switch
        {
            "uptime" => string.Create(Invariant, $"uptime {today.UptimePercent:0.00} % against {average.UptimePercent:0.00} %"),
            "median" => string.Create(Invariant, $"median {today.P50Ms:0.#} ms against {average.P50Ms:0.#} ms"),
            _ => string.Create(Invariant, $"loss {today.LossPercent:0.##} % against {average.LossPercent:0.##} %"),
        });
        return $"Worse than the average of the {day.Trend.WeekDays} days before: {string.Join(", ", parts)}.";
    }

    /// <summary>"24:00" rather than "00:00" for a peak that lasts until midnight.</summary>
    private static string EndLabel(DateTimeOffset localEnd) =>
        localEnd.TimeOfDay == TimeSpan.Zero ? "24:00" : localEnd.ToString("HH:mm", Invariant);
}
