using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/targets/{id}/paths, /api/targets/{id}/paths/{snapshotId} and /api/incidents/{id}/paths: path snapshots.</summary>
public sealed class PathsApi(PathsHandler handler)
{
    [Function("TargetPaths")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.PathsRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.ListAsync(request, id, cancellationToken);

    [Function("TargetPath")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.PathRoute)] HttpRequest request, string id, string snapshotId, CancellationToken cancellationToken) =>
        handler.GetAsync(request, id, snapshotId, cancellationToken);

    [Function("IncidentPaths")]
    public Task<IResult> Incident(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.IncidentPathsRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.IncidentAsync(request, id, cancellationToken);
}
