using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>GET /api/targets, /api/targets/{id} and /api/targets/{id}/series.</summary>
public sealed class TargetsHandler
{
    /// <summary>A series without from/to covers the last hour.</summary>
    public static readonly TimeSpan DefaultSeriesLength = TimeSpan.FromHours(1);

    /// <summary>The longest series served: a bit over a year, which hour rollups chart in 6-hour steps.</summary>
    public static readonly TimeSpan MaxSeriesLength = TimeSpan.FromDays(400);

    private readonly TargetViews _views;
    private readonly SampleReader _samples;
    private readonly RetentionPolicy _retention;
    private readonly TimeProvider _time;

    internal TargetsHandler(TargetViews views, SampleReader samples, RetentionPolicy retention, TimeProvider time)
    {
        _views = views;
        _samples = samples;
        _retention = retention;
        _time = time;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
        new ApiJsonResult<TargetList>(await _views.ListAsync(cancellationToken), ApiJsonContext.Default.TargetList));

    public Task<IResult> GetAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var target = await _views.GetAsync(probeId, targetName, cancellationToken) ?? throw ApiRequest.UnknownTarget(ApiRequest.Id, id!);
        return new ApiJsonResult<TargetView>(target.View, ApiJsonContext.Default.TargetView);
    });

    public Task<IResult> SeriesAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var range = ApiRequest.Range(request, _time.GetUtcNow(), DefaultSeriesLength, MaxSeriesLength);
        var target = await _views.GetAsync(probeId, targetName, cancellationToken) ?? throw ApiRequest.UnknownTarget(ApiRequest.Id, id!);
        var plan = SeriesPlan.For(range.Length, target.Status.Settings.IntervalMs);
        var points = new List<SeriesPoint>();
        try
        {
            // Across a retention edge the part before it comes from the coarser rollup (SeriesPlan.Reads).
            foreach (var read in plan.Reads(range.From, range.To, _retention.Now()))
            {
                points.AddRange(read.Source switch
                {
                    SeriesSource.Raw => SeriesPoints.FromSamples(
                        await _samples.GetSamplesAsync(probeId, targetName, read.From, read.To, cancellationToken), plan.StepSeconds),
                    SeriesSource.Minute => SeriesPoints.FromRollups(
                        await _samples.GetMinuteRollupsAsync(probeId, targetName, read.From, read.To, cancellationToken), plan.StepSeconds),
                    SeriesSource.Hour => SeriesPoints.FromRollups(
                        await _samples.GetHourRollupsAsync(probeId, targetName, read.From, read.To, cancellationToken), plan.StepSeconds),
                });
            }
        }
        catch (UnknownTargetException ex)
        {
            // Gone between the two reads: a probe's catalogue row removed meanwhile.
            throw ApiRequest.UnknownTarget(ApiRequest.Id, id!, ex);
        }

        return new ApiJsonResult<SeriesView>(
            new SeriesView(target.View, range.From, range.To, plan.Resolution, plan.StepSeconds, points), ApiJsonContext.Default.SeriesView);
    });
}
