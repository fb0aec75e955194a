using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// The HTTP API's routes, in one place for both hosts: the Functions app's HTTP functions use the route
/// constants (under the Functions default prefix "api"), the dev host maps the same handlers with
/// <see cref="MapNetPulseApi"/>. Adding an endpoint: a handler in Api/, a constant and a Map line here, a thin
/// HTTP function in NetPulse.Functions, its path in Api/openapi.json, and a line in web/API.md.
/// </summary>
public static class NetPulseApi
{
    /// <summary>The Functions host's default route prefix; host.json leaves it unchanged.</summary>
    public const string RoutePrefix = "api";

    public const string HealthRoute = "health";
    public const string TargetsRoute = "targets";
    public const string TargetRoute = "targets/{id}";
    public const string SeriesRoute = "targets/{id}/series";
    public const string IncidentsRoute = "incidents";
    public const string ReportsRoute = "reports";
    public const string ReportRoute = "reports/{date}";
    public const string RebuildReportRoute = "reports/{date}/rebuild";
    public const string ExportRoute = "export";
    public const string OpenApiRoute = "openapi.json";

    public static IEndpointRouteBuilder MapNetPulseApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + RoutePrefix);
        api.MapGet(HealthRoute, (HealthHandler handler, HttpRequest request) => handler.Handle(request));
        api.MapGet(TargetsRoute, (TargetsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        api.MapGet(TargetRoute, (TargetsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.GetAsync(request, id, cancellationToken));
        api.MapGet(SeriesRoute, (TargetsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.SeriesAsync(request, id, cancellationToken));
        api.MapGet(IncidentsRoute, (IncidentsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        api.MapGet(ReportsRoute, (ReportsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        api.MapGet(ReportRoute, (ReportsHandler handler, HttpRequest request, string date, CancellationToken cancellationToken) =>
            handler.GetAsync(request, date, cancellationToken));
        api.MapPost(RebuildReportRoute, (ReportsHandler handler, HttpRequest request, string date, CancellationToken cancellationToken) =>
            handler.RebuildAsync(request, date, cancellationToken));
        api.MapGet(ExportRoute, (ExportHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ExportAsync(request, cancellationToken));
        api.MapGet(OpenApiRoute, (OpenApiHandler handler, HttpRequest request) => handler.Get(request));
        return endpoints;
    }
}
