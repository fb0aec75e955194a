using System.Globalization;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/targets/{id}/heatmap (loss or p95 per local date × hour over 4–8 weeks, <see cref="HeatmapCells"/>) and
/// GET /api/targets/{id}/quality (loss, p95, jitter, MOS and coverage over up to 31 days, <see cref="RangeQuality"/>).
/// Both read only the target's hour rollups (compacted hours, and the hour compaction has not reached from its rounds),
/// which are kept for years: an 8-week grid is about 1,350 small rows whether or not the rounds are still kept.
/// </summary>
public sealed class HeatmapHandler
{
    public const string Metric = "metric";
    public const string Weeks = "weeks";
    public const int MinWeeks = 4;
    public const int MaxWeeks = 8;
    public const int DefaultWeeks = 4;

    /// <summary>A quality range without from/to covers the last week.</summary>
    public static readonly TimeSpan DefaultQualityLength = TimeSpan.FromDays(7);

    /// <summary>The longest range of /quality and /api/ranking: a month of hour rollups, 745 rows per target.</summary>
    public static readonly TimeSpan MaxQualityLength = TimeSpan.FromDays(31);

    private readonly TargetViews _views;
    private readonly SampleReader _samples;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _time;

    internal HeatmapHandler(TargetViews views, SampleReader samples, IOptions<ReportOptions> reports, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(reports);
        _views = views;
        _samples = samples;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(reports.Value.TimeZone);
        _time = time;
    }

    public Task<IResult> HeatmapAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var weeks = WeeksOf(request);
        var metric = ApiRequest.Choice(request, Metric, "loss", "p95") switch
        {
            "p95" => HeatmapMetric.P95,
            "loss" => HeatmapMetric.Loss,
            _ => throw new ApiParameterException(Metric, "'metric' is required: loss or p95"),
        };
        var target = await _views.GetAsync(probeId, targetName, cancellationToken) ?? throw ApiRequest.UnknownTarget(ApiRequest.Id, id!);

        var now = _time.GetUtcNow();
        var lastDate = ReportDay.DateOf(now, _zone);
        var firstDate = lastDate.AddDays(1 - (weeks * 7));
        var from = ReportDay.Of(firstDate, _zone).From;
        var hours = await HourRollupsAsync(probeId, targetName, FloorHour(from), now, id!, cancellationToken);
        var days = HeatmapCells.Of(hours, _zone, firstDate, lastDate, now, target.Status.Settings.IntervalMs, metric);
        return new ApiJsonResult<HeatmapView>(
            new HeatmapView(target.View, metric == HeatmapMetric.Loss ? "loss" : "p95", metric == HeatmapMetric.Loss ? "%" : "ms", weeks, _zone.Id, from, now, days),
            ApiJsonContext.Default.HeatmapView);
    });

    public Task<IResult> QualityAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var now = _time.GetUtcNow();
        var range = WholeHours(ApiRequest.Range(request, now, DefaultQualityLength, MaxQualityLength));
        var target = await _views.GetAsync(probeId, targetName, cancellationToken) ?? throw ApiRequest.UnknownTarget(ApiRequest.Id, id!);
        var hours = await HourRollupsAsync(probeId, targetName, range.From, range.To.AddTicks(-1), id!, cancellationToken);
        var quality = RangeQuality.Of([.. hours.Select(h => h.Statistics)], ExpectedRounds(range, now, target.Status.Settings.IntervalMs));
        return new ApiJsonResult<QualityView>(new QualityView(target.View, range.From, range.To, quality), ApiJsonContext.Default.QualityView);
    });

    /// <summary>The range widened to whole UTC hours, the rollups' grain: the answer says which hours it covers.</summary>
    internal static TimeRange WholeHours(TimeRange range)
    {
        var to = FloorHour(range.To);
        return new TimeRange(FloorHour(range.From), to == range.To ? to : to.AddHours(1));
    }

    /// <summary>Rounds the interval asks for in the range up to now.</summary>
    internal static double ExpectedRounds(TimeRange range, DateTimeOffset now, int intervalMs)
    {
        var end = range.To < now ? range.To : now;
        return end <= range.From ? 0 : (end - range.From).TotalMilliseconds / Math.Max(1, intervalMs);
    }

    private async Task<IReadOnlyList<Rollup>> HourRollupsAsync(
        string probeId, string targetName, DateTimeOffset from, DateTimeOffset to, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await _samples.GetHourRollupsAsync(probeId, targetName, from, to, cancellationToken);
        }
        catch (UnknownTargetException ex)
        {
            throw ApiRequest.UnknownTarget(ApiRequest.Id, id, ex);
        }
    }

    private static int WeeksOf(HttpRequest request)
    {
        var text = ApiRequest.Query(request, Weeks);
        if (text is null)
        {
            return DefaultWeeks;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weeks) && weeks is >= MinWeeks and <= MaxWeeks
            ? weeks
            : throw new ApiParameterException(Weeks, $"'{Weeks}' must be a whole number of weeks from {MinWeeks} to {MaxWeeks}; '{ApiRequest.Shorten(text)}' is not");
    }

    private static DateTimeOffset FloorHour(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}

/// <summary>GET /api/targets/{id}/heatmap: the target, the metric and its unit, the zone and the local dates' real hours.</summary>
public sealed record HeatmapView(
    TargetView Target, string Metric, string Unit, int Weeks, string TimeZone, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HeatmapDay> Days);

/// <summary>GET /api/targets/{id}/quality: the whole UTC hours covered and the figures over them.</summary>
public sealed record QualityView(TargetView Target, DateTimeOffset From, DateTimeOffset To, QualityFigures Quality);

/// <summary>
/// A target's figures over a range (<see cref="RangeQuality"/> says how each is made): rounds and replies, loss (null without rounds), average and estimated p95 RTT,
/// jitter, the MOS estimate (null without replies) and coverage in percent of the rounds its interval asks for.
/// </summary>
public sealed record QualityFigures(
    long Rounds, long Replies, double? LossPercent, double? AvgMs, double? P95Ms, double? JitterMs, double? Mos, double CoveragePercent);
