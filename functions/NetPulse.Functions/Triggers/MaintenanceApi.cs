using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET, POST /api/maintenance, DELETE /api/maintenance/{id}, POST /api/incidents/{id}/maintenance: maintenance windows and marks.</summary>
public sealed class MaintenanceApi(MaintenanceHandler handler)
{
    [Function("MaintenanceWindows")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.MaintenanceRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("AddMaintenanceWindow")]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.MaintenanceRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.CreateAsync(request, cancellationToken);

    [Function("DeleteMaintenanceWindow")]
    public Task<IResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = NetPulseApi.MaintenanceWindowRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.DeleteAsync(request, id, cancellationToken);

    [Function("MarkIncidentMaintenance")]
    public Task<IResult> Mark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.IncidentMaintenanceRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.MarkIncidentAsync(request, id, cancellationToken);
}
