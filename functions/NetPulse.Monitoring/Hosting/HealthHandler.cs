using Microsoft.AspNetCore.Http;

namespace NetPulse.Monitoring.Hosting;

/// <summary>GET /api/health: the app is up and answering. Touches no storage, so a load balancer's probes cost nothing.</summary>
public sealed class HealthHandler(TimeProvider time)
{
    public IResult Handle(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Ok(new HealthReport("ok", time.GetUtcNow()));
    }

    public sealed record HealthReport(string Status, DateTimeOffset Time);
}
