using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/probes, POST /api/probes, POST /api/probes/{id}/revoke, POST/DELETE /api/probes/{id}/retire: the fleet, the probes allowed to send batches and their keys.</summary>
public sealed class ProbesApi(ProbesHandler handler)
{
    [Function("Probes")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ProbesRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("RegisterProbe")]
    public Task<IResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.ProbesRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.RegisterAsync(request, cancellationToken);

    [Function("RevokeProbe")]
    public Task<IResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RevokeProbeRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.RevokeAsync(request, id, cancellationToken);

    /// <summary>Retired: kept in history, gone from the overview, never called silent.</summary>
    [Function("RetireProbe")]
    public Task<IResult> Retire(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RetireProbeRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.RetireAsync(request, id, cancellationToken);

    [Function("UnretireProbe")]
    public Task<IResult> Unretire(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = NetPulseApi.RetireProbeRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.RetireAsync(request, id, cancellationToken);
}
