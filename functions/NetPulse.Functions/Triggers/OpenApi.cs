using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/openapi.json.</summary>
public sealed class OpenApi(OpenApiHandler handler)
{
    [Function(nameof(OpenApi))]
    public IResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.OpenApiRoute)] HttpRequest request) =>
        handler.Get(request);
}
