using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/targets/{id}/heatmap, /api/targets/{id}/quality and /api/ranking: the evidence views' reads.</summary>
public sealed class EvidenceViewsApi(HeatmapHandler heatmaps, RankingHandler ranking)
{
    [Function("TargetHeatmap")]
    public Task<IResult> Heatmap(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.HeatmapRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        heatmaps.HeatmapAsync(request, id, cancellationToken);

    [Function("TargetQuality")]
    public Task<IResult> Quality(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.QualityRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        heatmaps.QualityAsync(request, id, cancellationToken);

    [Function("Ranking")]
    public Task<IResult> Rank(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.RankingRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        ranking.RankAsync(request, cancellationToken);
}
