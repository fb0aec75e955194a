namespace NetPulse.Monitoring.Reports;

/// <summary>The order targets appear in everywhere (API, email, CSV): worst grade first, so trouble is on top.</summary>
internal static class ReportOrder
{
    public static List<TargetDayReport> Sort(IEnumerable<TargetDayReport> targets) =>
        [.. targets
            .OrderBy(t => Rank(t.Grade))
            .ThenBy(t => t.ProbeId, StringComparer.Ordinal)
            .ThenBy(t => t.TargetName, StringComparer.Ordinal)];

    /// <summary>F first, then targets without rounds (something is wrong there too), then D to A.</summary>
    private static int Rank(ReportGrade? grade) => grade switch
    {
        ReportGrade.F => 0,
        null => 1,
        ReportGrade.D => 2,
        ReportGrade.C => 3,
        ReportGrade.B => 4,
        ReportGrade.A => 5,
    };
}
