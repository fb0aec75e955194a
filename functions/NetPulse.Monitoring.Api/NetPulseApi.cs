using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
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
    public const string ProbesRoute = "probes";
    public const string RevokeProbeRoute = "probes/{id}/revoke";

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
        api.MapGet(ProbesRoute, (ProbesHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        api.MapPost(ProbesRoute, (ProbesHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.RegisterAsync(request, cancellationToken));
        api.MapPost(RevokeProbeRoute, (ProbesHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.RevokeAsync(request, id, cancellationToken));
        api.MapGet(OpenApiRoute, (OpenApiHandler handler, HttpRequest request) => handler.Get(request));
        return endpoints;
    }

    /// <summary>
    /// Gives the answers no handler wrote (no route matched, a method not allowed, a request refused by the server's
    /// model binding, an exception) the same problem+json body as the handlers' own problems, so a client parses one
    /// format. The status stays what the host chose; the exception handler logs the exception before answering 500.
    /// Call before the routes are mapped.
    /// </summary>
    public static IApplicationBuilder UseNetPulseApiProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => WriteProblemAsync(context, StatusCodes.Status500InternalServerError) });
        app.UseStatusCodePages(context => WriteProblemAsync(context.HttpContext, context.HttpContext.Response.StatusCode));
        return app;
    }

    private static async Task WriteProblemAsync(HttpContext context, int status)
    {
        var problem = ApiProblems.ForStatus(status, context.Request.Method, context.Request.Path.Value ?? "");
        context.Response.StatusCode = status;
        context.Response.ContentType = ApiProblems.ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJsonContext.Default.ApiProblem, context.RequestAborted);
    }
}
