using NetPulse.Monitoring.Reports;

namespace NetPulse.Monitoring.Evidence;

/// <summary>One file of a stored pack: its short name in URLs ("pack.pdf"), the name a download gets, type and size.</summary>
public sealed record EvidenceFileInfo(string Name, string FileName, string ContentType, long Bytes);

/// <summary>
/// A stored pack as its index row holds it: what it covers, when it was built and mailed, its files, and the headline
/// figures (grade and the worst target) a list shows without opening the pack.
/// </summary>
public sealed record EvidenceSummary
{
    public required string ProbeId { get; init; }

    /// <summary>The probe's site from its stored status when the pack was built; null when it reported none.</summary>
    public string? Site { get; init; }

    /// <summary>"week" or "month".</summary>
    public required string Kind { get; init; }

    /// <summary>"2026-W13" or "2026-03".</summary>
    public required string Period { get; init; }

    public required DateOnly FirstDate { get; init; }

    public required DateOnly LastDate { get; init; }

    public required string TimeZone { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>When this version of the pack was built (a rebuild replaces it).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The worst target grade, "A" to "F"; null when no target was graded.</summary>
    public string? Grade { get; init; }

    public required GradeCounts Grades { get; init; }

    public int TargetCount { get; init; }

    public int IncidentCount { get; init; }

    public int OutageCount { get; init; }

    /// <summary>The first target in the daily report's order (worst grade first); null without targets.</summary>
    public string? WorstTarget { get; init; }

    public string? WorstTargetGrade { get; init; }

    public double? WorstTargetLossPercent { get; init; }

    public double? WorstTargetP95Ms { get; init; }

    /// <summary>True once the pack's email went out; a rebuild keeps it, so the pack is mailed once.</summary>
    public bool Emailed { get; init; }

    public DateTimeOffset? EmailedAt { get; init; }

    public IReadOnlyList<EvidenceFileInfo> Files { get; init; } = [];

    /// <summary>A pack with neither rounds nor incidents says nothing: it is stored but not mailed.</summary>
    public bool IsWorthMailing => TargetCount > 0 || IncidentCount > 0;
}

/// <summary>One target's headline figures in a pack, as GET /api/evidence/{probe}/{kind}/{period} shows them.</summary>
public sealed record EvidenceTargetFigures
{
    public required string Name { get; init; }

    public required string Role { get; init; }

    public long Sent { get; init; }

    public long Received { get; init; }

    public double? LossPercent { get; init; }

    public double? P50Ms { get; init; }

    public double? P95Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? MaxMs { get; init; }

    public double? JitterMs { get; init; }

    public double? Mos { get; init; }

    public int Outages { get; init; }

    public double? LongestLossBurstSeconds { get; init; }

    public double CoveragePercent { get; init; }

    public string? Grade { get; init; }

    public string GradeReason { get; init; } = "";

    public static EvidenceTargetFigures Of(TargetEvidence target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var s = target.Statistics;
        return new EvidenceTargetFigures
        {
            Name = target.TargetName,
            Role = EvidenceText.Role(target.Role),
            Sent = s.Count,
            Received = s.Successes,
            LossPercent = s.LossPercent,
            P50Ms = s.P50Ms,
            P95Ms = s.P95Ms,
            P99Ms = s.P99Ms,
            MaxMs = s.MaxMs,
            JitterMs = s.JitterMs,
            Mos = target.MeanOpinionScore,
            Outages = target.Outages.Count,
            LongestLossBurstSeconds = target.LongestLossBurst?.Duration.TotalSeconds,
            CoveragePercent = target.CoveragePercent,
            Grade = target.Grade?.ToString(),
            GradeReason = target.GradeReason,
        };
    }
}

/// <summary>A stored pack's summary and each target's figures.</summary>
public sealed record EvidenceDetail(EvidenceSummary Summary, IReadOnlyList<EvidenceTargetFigures> Targets);

/// <summary>A file of a stored pack, read for a download (the API, a share link).</summary>
public sealed record EvidenceDownload(string FileName, string ContentType, byte[] Content);

/// <summary>The names of the period kinds in URLs, rows and blob paths.</summary>
public static class EvidenceKinds
{
    public const string Week = "week";
    public const string Month = "month";

    public static string Name(EvidencePeriodKind kind) => kind == EvidencePeriodKind.Week ? Week : Month;

    public static EvidencePeriodKind? TryParse(string? name) => name switch
    {
        Week => EvidencePeriodKind.Week,
        Month => EvidencePeriodKind.Month,
        _ => null,
    };
}
