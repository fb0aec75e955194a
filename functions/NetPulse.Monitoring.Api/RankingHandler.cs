using System.Globalization;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/ranking?from&amp;to&amp;by&amp;limit: the worst targets over a range of up to 31 days by loss, p95 or jitter, each
/// with its <see cref="QualityFigures"/> (<see cref="RangeQuality"/>, from hour rollups: one range scan per target,
/// 8 at a time; a probe's uncompacted batches once for all its targets). Targets without a round in the range are
/// listed apart, never ranked as 0 %. Retired ones are left out.
/// </summary>
public sealed class RankingHandler
{
    public const string By = "by";
    public const string Limit = "limit";
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    private const int MaxParallelReads = 8;

    private readonly TargetReader _targets;
    private readonly SampleReader _samples;
    private readonly TimeProvider _time;

    internal RankingHandler(TargetReader targets, SampleReader samples, TimeProvider time)
    {
        _targets = targets;
        _samples = samples;
        _time = time;
    }

    public Task<IResult> RankAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var range = HeatmapHandler.WholeHours(ApiRequest.Range(request, now, HeatmapHandler.DefaultQualityLength, HeatmapHandler.MaxQualityLength));
        var by = ApiRequest.Choice(request, By, "loss", "p95", "jitter") ?? "loss";
        var limit = ApiRequest.Limit(request, DefaultLimit, MaxLimit);

        var (_, targets) = await _targets.GetActiveAsync(cancellationToken);

        // One reader per probe: its targets share the probe's compaction point and uncompacted batches.
        var probes = new Dictionary<string, ProbeSamples>(StringComparer.Ordinal);
        foreach (var probeId in targets.Select(t => t.ProbeId).Distinct(StringComparer.Ordinal))
        {
            probes[probeId] = await _samples.OfProbeAsync(probeId, cancellationToken);
        }

        var figures = new RankedTarget[targets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var target = targets[i];
                // A target removed from the catalogue since the list was read has no rollups: nothing to rank.
                var hours = await probes[target.ProbeId].GetHourRollupsAsync(target.Name, range.From, range.To.AddTicks(-1), token);
                var quality = RangeQuality.Of([.. hours.Select(h => h.Statistics)], HeatmapHandler.ExpectedRounds(range, now, target.Settings.IntervalMs));
                figures[i] = new RankedTarget(TargetIds.Format(target.ProbeId, target.Name), target.ProbeId, target.Name, quality);
            });

        var ranked = Rank(figures.Where(f => f.Quality.Rounds > 0), by);
        var noData = figures.Where(f => f.Quality.Rounds == 0).OrderBy(f => f.ProbeId, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        return new ApiJsonResult<RankingView>(
            new RankingView(range.From, range.To, by, ranked.Count, ranked.Count > limit, [.. ranked.Take(limit)], noData),
            ApiJsonContext.Default.RankingView);
    });

    /// <summary>Worst first by the figure; a target with rounds but no reply has no RTT figure and comes after those with one; ties by id.</summary>
    internal static List<RankedTarget> Rank(IEnumerable<RankedTarget> targets, string by)
    {
        Func<QualityFigures, double?> figure = by switch
        {
            "p95" => q => q.P95Ms,
            "jitter" => q => q.JitterMs,
            _ => q => q.LossPercent,
        };
        return [.. targets
            .OrderBy(t => figure(t.Quality) is null)
            .ThenByDescending(t => figure(t.Quality) ?? 0)
            .ThenBy(t => t.Id, StringComparer.Ordinal)];
    }
}

/// <summary>
/// GET /api/ranking: the whole UTC hours covered, the figure ranked by, how many targets had rounds (<paramref name="Ranked"/>),
/// whether the limit cut the list, the worst first, and the targets without a round in the range.
/// </summary>
public sealed record RankingView(
    DateTimeOffset From, DateTimeOffset To, string By, int Ranked, bool Truncated, IReadOnlyList<RankedTarget> Targets, IReadOnlyList<RankedTarget> NoData);

/// <summary>A target and its figures over the range. Name is text from config: escape it.</summary>
public sealed record RankedTarget(string Id, string ProbeId, string Name, QualityFigures Quality);
