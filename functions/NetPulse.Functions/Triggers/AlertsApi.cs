using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/alerts: the alert notices and each channel's delivery state, undelivered ones included.</summary>
public sealed class AlertsApi(AlertsHandler handler)
{
    [Function("Alerts")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.AlertsRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);
}
