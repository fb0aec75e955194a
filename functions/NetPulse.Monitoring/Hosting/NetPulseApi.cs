using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// The HTTP API's routes, in one place for both hosts: the Functions app's HTTP functions use the route
/// constants (under the Functions default prefix "api"), the dev host maps the same handlers with
/// <see cref="MapNetPulseApi"/>. Adding an endpoint: a handler class in the library, a constant and a
/// Map line here, and a thin HTTP function in NetPulse.Functions.
/// </summary>
public static class NetPulseApi
{
    /// <summary>The Functions host's default route prefix; host.json leaves it unchanged.</summary>
    public const string RoutePrefix = "api";

    public const string HealthRoute = "health";

    public static IEndpointRouteBuilder MapNetPulseApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + RoutePrefix);
        api.MapGet(HealthRoute, (HealthHandler handler, HttpRequest request) => handler.Handle(request));
        return endpoints;
    }
}
