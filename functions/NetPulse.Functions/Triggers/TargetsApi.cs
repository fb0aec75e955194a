using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/targets, /api/targets/{id}, /api/targets/{id}/series: the dev host's routes and handler.</summary>
public sealed class TargetsApi(TargetsHandler handler, ProbesHandler probes)
{
    [Function("Targets")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.TargetsRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("Target")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.TargetRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.GetAsync(request, id, cancellationToken);

    [Function("TargetSeries")]
    public Task<IResult> Series(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SeriesRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.SeriesAsync(request, id, cancellationToken);

    /// <summary>Retired: kept in history (its page, incidents, reports), gone from the overview.</summary>
    [Function("RetireTarget")]
    public Task<IResult> Retire(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RetireTargetRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        probes.RetireTargetAsync(request, id, cancellationToken);

    [Function("UnretireTarget")]
    public Task<IResult> Unretire(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = NetPulseApi.RetireTargetRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        probes.RetireTargetAsync(request, id, cancellationToken);
}
