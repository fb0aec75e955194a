using System.Globalization;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The day's grade. Three figures are graded on their own and the day gets the worst of the three, so a
/// grade always names what pulled it down:
/// <list type="bullet">
/// <item>Uptime (rounds outside down incidents): A ≥ 99.9 %, B ≥ 99.5 %, C ≥ 99 %, D ≥ 97 %, else F.
/// (99.9 % of a day is 86 s of downtime; 97 % is 43 minutes.)</item>
/// <item>Latency against the target's threshold T: A when p95 ≤ T; B when the median ≤ T and p95 ≤ 2T;
/// C when the median ≤ T; D when the median ≤ 2T; else F. Not graded without replies (uptime is then F).</item>
/// <item>Loss while up (failed rounds outside down incidents) against the target's loss threshold L:
/// A ≤ L/10, B ≤ L/4, C ≤ L/2, D ≤ L, else F. Downtime is not counted twice: it is uptime's part.</item>
/// </list>
/// A target without rounds that day gets no grade.
/// </summary>
internal static class ReportGrading
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="checks">Rounds of the day.</param>
    /// <param name="upChecks">Rounds outside down incidents.</param>
    /// <param name="p50Ms">Median RTT of the day's replies; null without replies.</param>
    /// <param name="p95Ms">95th percentile RTT of the day's replies; null without replies.</param>
    /// <param name="lossWhileUpPercent">Failed rounds outside down incidents in percent of those rounds; null when there were none.</param>
    public static (ReportGrade? Grade, string Reason) Grade(
        int checks, int upChecks, double? p50Ms, double? p95Ms, double? lossWhileUpPercent, double latencyThresholdMs, double lossThresholdPercent)
    {
        if (checks == 0)
        {
            return (null, "no rounds stored");
        }

        var uptime = 100.0 * upChecks / checks;
        var parts = new List<(ReportGrade Grade, string Figure)>
        {
            (UptimeGrade(upChecks, checks), string.Create(Invariant, $"uptime {uptime:0.00} %")),
        };
        if (p50Ms is { } p50 && p95Ms is { } p95)
        {
            parts.Add((LatencyGrade(p50, p95, latencyThresholdMs), p95 <= latencyThresholdMs || p50 > latencyThresholdMs
                ? string.Create(Invariant, $"median {p50:0.0} ms, p95 {p95:0.0} ms against {latencyThresholdMs:0.#} ms")
                : string.Create(Invariant, $"p95 {p95:0.0} ms against {latencyThresholdMs:0.#} ms")));
        }

        if (lossWhileUpPercent is { } loss)
        {
            parts.Add((LossGrade(loss, lossThresholdPercent), string.Create(Invariant, $"loss while up {loss:0.00} % against {lossThresholdPercent:0.#} %")));
        }

        var worst = parts.Max(p => p.Grade);
        if (worst == ReportGrade.A)
        {
            return (ReportGrade.A, "every figure within its A limit");
        }

        return (worst, string.Join("; ", parts.Where(p => p.Grade == worst).Select(p => p.Figure)) + $" ({worst})");
    }

    /// <summary>Compared in whole rounds, so a limit such as 99.9 % is met exactly when 999 of 1,000 rounds were up.</summary>
    public static ReportGrade UptimeGrade(long upChecks, long checks) =>
        upChecks * 1000 >= checks * 999 ? ReportGrade.A
        : upChecks * 1000 >= checks * 995 ? ReportGrade.B
        : upChecks * 100 >= checks * 99 ? ReportGrade.C
        : upChecks * 100 >= checks * 97 ? ReportGrade.D
        : ReportGrade.F;

    public static ReportGrade LatencyGrade(double p50Ms, double p95Ms, double thresholdMs) =>
        p95Ms <= thresholdMs ? ReportGrade.A
        : p50Ms <= thresholdMs && p95Ms <= 2 * thresholdMs ? ReportGrade.B
        : p50Ms <= thresholdMs ? ReportGrade.C
        : p50Ms <= 2 * thresholdMs ? ReportGrade.D
        : ReportGrade.F;

    public static ReportGrade LossGrade(double lossPercent, double thresholdPercent) =>
        lossPercent <= thresholdPercent / 10 ? ReportGrade.A
        : lossPercent <= thresholdPercent / 4 ? ReportGrade.B
        : lossPercent <= thresholdPercent / 2 ? ReportGrade.C
        : lossPercent <= thresholdPercent ? ReportGrade.D
        : ReportGrade.F;
}
