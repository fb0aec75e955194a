using Microsoft.AspNetCore.Http;

namespace NetPulse.Monitoring.Api;

/// <summary>GET /api/health: the app is up and answering. Touches no storage, so a load balancer's probes cost nothing.</summary>
public sealed class HealthHandler(TimeProvider time)
{
    public IResult Handle(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ApiJsonResult<HealthReport>(new HealthReport("ok", time.GetUtcNow()), ApiJsonContext.Default.HealthReport);
    }

    public sealed record HealthReport(string Status, DateTimeOffset Time);
}
