using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/health, the same route and handler as the dev host's.</summary>
public sealed class Health(HealthHandler handler)
{
    [Function(nameof(Health))]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.HealthRoute)] HttpRequest request) =>
        handler.Handle(request);
}
