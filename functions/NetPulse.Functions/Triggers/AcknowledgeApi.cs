using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>POST /api/incidents/{id}/ack, and the signed link of alert messages: GET /api/ack (a page with a button), POST /api/ack (the button).</summary>
public sealed class AcknowledgeApi(AcknowledgeHandler handler)
{
    [Function("AcknowledgeIncident")]
    public Task<IResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.AcknowledgeIncidentRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.AcknowledgeAsync(request, id, cancellationToken);

    [Function("AcknowledgeLinkPage")]
    public Task<IResult> LinkPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.AcknowledgeLinkRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ConfirmPageAsync(request, cancellationToken);

    [Function("AcknowledgeByLink")]
    public Task<IResult> ByLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.AcknowledgeLinkRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.AcknowledgeByLinkAsync(request, cancellationToken);
}
