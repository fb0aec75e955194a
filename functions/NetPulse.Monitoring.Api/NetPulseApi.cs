using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Monitoring.Api;

/// <summary>A route of the HTTP API: method, template under /api, and who may call it.</summary>
public sealed record ApiRoute(string Method, string Template, ApiAccess Access);

/// <summary>
/// The HTTP API's routes, in one place for both hosts: the Functions app's HTTP functions use the route
/// constants (under the Functions default prefix "api"), the dev host maps the same handlers with
/// <see cref="MapNetPulseApi"/>, and <see cref="Routes"/> says who may call each, which both hosts enforce
/// (<see cref="ApiGate"/>). Adding an endpoint: a handler in Api/, a constant, a line in <see cref="Routes"/> (a route
/// without one fails both hosts' start) and a Map line here, a thin HTTP function in NetPulse.Functions, its path in
/// Api/openapi.json, and a line in web/API.md.
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
    public const string QueuesRoute = "admin/queues";
    public const string RedriveQueueRoute = "admin/queues/{queue}/redrive";
    public const string MaintenanceRoute = "maintenance";
    public const string MaintenanceWindowRoute = "maintenance/{id}";
    public const string IncidentMaintenanceRoute = "incidents/{id}/maintenance";
    public const string AcknowledgeIncidentRoute = "incidents/{id}/ack";
    public const string AlertsRoute = "alerts";
    public const string AcknowledgeLinkRoute = Incidents.AcknowledgeLinks.Path;
    public const string ManagedTargetsRoute = "probes/{probe}/targets";
    public const string ManagedTargetRoute = "probes/{probe}/targets/{targetId}";
    public const string ImportManagedTargetsRoute = "probes/{probe}/targets/import";
    public const string ExportManagedTargetsRoute = "probes/{probe}/targets/export";
    public const string ProbeTargetListRoute = "probes/{probe}/target-list";
    public const string RetireProbeRoute = "probes/{id}/retire";
    public const string RetireTargetRoute = "targets/{id}/retire";
    public const string SharesRoute = "shares";
    public const string ShareRoute = "shares/{id}";
    public const string SharedRoute = "shared/{token}";
    public const string SharedSeriesRoute = "shared/{token}/series";
    public const string SharedIncidentsRoute = "shared/{token}/incidents";
    public const string SharedFileRoute = "shared/{token}/files/{file}";
    public const string EvidenceRoute = "evidence";
    public const string EvidencePackRoute = "evidence/{probe}/{kind}/{period}";
    public const string EvidenceFileRoute = "evidence/{probe}/{kind}/{period}/{file}";
    public const string RebuildEvidenceRoute = "evidence/{probe}/{kind}/{period}/rebuild";
    public const string HeatmapRoute = "targets/{id}/heatmap";
    public const string QualityRoute = "targets/{id}/quality";
    public const string RankingRoute = "ranking";
    public const string PathsRoute = "targets/{id}/paths";
    public const string PathRoute = "targets/{id}/paths/{snapshotId}";
    public const string IncidentPathsRoute = "incidents/{id}/paths";

    /// <summary>Every route and who may call it: reads need Reader (or Admin), changes need Admin.</summary>
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        new(HttpMethods.Get, HealthRoute, ApiAccess.Anonymous),
        new(HttpMethods.Get, OpenApiRoute, ApiAccess.Anonymous),
        new(HttpMethods.Get, TargetsRoute, ApiAccess.Reader),
        new(HttpMethods.Get, TargetRoute, ApiAccess.Reader),
        new(HttpMethods.Get, SeriesRoute, ApiAccess.Reader),
        new(HttpMethods.Get, IncidentsRoute, ApiAccess.Reader),
        new(HttpMethods.Get, ReportsRoute, ApiAccess.Reader),
        new(HttpMethods.Get, ReportRoute, ApiAccess.Reader),
        new(HttpMethods.Get, ExportRoute, ApiAccess.Reader),
        new(HttpMethods.Post, RebuildReportRoute, ApiAccess.Admin),
        new(HttpMethods.Get, ProbesRoute, ApiAccess.Reader),
        new(HttpMethods.Post, ProbesRoute, ApiAccess.Admin),
        new(HttpMethods.Post, RevokeProbeRoute, ApiAccess.Admin),
        new(HttpMethods.Get, QueuesRoute, ApiAccess.Admin),
        new(HttpMethods.Post, RedriveQueueRoute, ApiAccess.Admin),
        new(HttpMethods.Get, MaintenanceRoute, ApiAccess.Reader),
        new(HttpMethods.Post, MaintenanceRoute, ApiAccess.Admin),
        new(HttpMethods.Delete, MaintenanceWindowRoute, ApiAccess.Admin),
        new(HttpMethods.Post, IncidentMaintenanceRoute, ApiAccess.Admin),
        new(HttpMethods.Post, AcknowledgeIncidentRoute, ApiAccess.Admin),
        new(HttpMethods.Get, AlertsRoute, ApiAccess.Reader),

        // The signed link in alert messages: the signature is the credential (AcknowledgeLinks).
        new(HttpMethods.Get, AcknowledgeLinkRoute, ApiAccess.Anonymous),
        new(HttpMethods.Post, AcknowledgeLinkRoute, ApiAccess.Anonymous),

        // Targets managed centrally (ManagedTargetsHandler); the probe's own routes check its signature (ApiAccess.Probe).
        new(HttpMethods.Get, ManagedTargetsRoute, ApiAccess.Reader),
        new(HttpMethods.Post, ManagedTargetsRoute, ApiAccess.Admin),
        new(HttpMethods.Put, ManagedTargetRoute, ApiAccess.Admin),
        new(HttpMethods.Delete, ManagedTargetRoute, ApiAccess.Admin),
        new(HttpMethods.Post, ImportManagedTargetsRoute, ApiAccess.Admin),
        new(HttpMethods.Get, ExportManagedTargetsRoute, ApiAccess.Reader),
        new(HttpMethods.Get, ProbeTargetListRoute, ApiAccess.Probe),
        new(HttpMethods.Put, ProbeTargetListRoute, ApiAccess.Probe),
        // Retire (POST) and bring back (DELETE) a probe or a target: the fleet's housekeeping.
        new(HttpMethods.Post, RetireProbeRoute, ApiAccess.Admin),
        new(HttpMethods.Delete, RetireProbeRoute, ApiAccess.Admin),
        new(HttpMethods.Post, RetireTargetRoute, ApiAccess.Admin),
        new(HttpMethods.Delete, RetireTargetRoute, ApiAccess.Admin),
        // Read-only share links: the Admin makes, lists and revokes them; the token in the path is the reader's only
        // credential, which SharedViewHandler checks on every request (signature, expiry, revocation, scope).
        new(HttpMethods.Post, SharesRoute, ApiAccess.Admin),
        new(HttpMethods.Get, SharesRoute, ApiAccess.Admin),
        new(HttpMethods.Delete, ShareRoute, ApiAccess.Admin),
        new(HttpMethods.Get, SharedRoute, ApiAccess.Anonymous),
        new(HttpMethods.Get, SharedSeriesRoute, ApiAccess.Anonymous),
        new(HttpMethods.Get, SharedIncidentsRoute, ApiAccess.Anonymous),
        new(HttpMethods.Get, SharedFileRoute, ApiAccess.Anonymous),
        // Weekly and monthly evidence packs (EvidenceHandler): read and download as Reader, rebuild as Admin.
        new(HttpMethods.Get, EvidenceRoute, ApiAccess.Reader),
        new(HttpMethods.Get, EvidencePackRoute, ApiAccess.Reader),
        new(HttpMethods.Get, EvidenceFileRoute, ApiAccess.Reader),
        new(HttpMethods.Post, RebuildEvidenceRoute, ApiAccess.Admin),

        // Evidence views (issue 17): hour-of-day heatmaps, a target's quality over a range, the worst targets.
        new(HttpMethods.Get, HeatmapRoute, ApiAccess.Reader),
        new(HttpMethods.Get, QualityRoute, ApiAccess.Reader),
        new(HttpMethods.Get, RankingRoute, ApiAccess.Reader),
        // Path snapshots (PathsHandler): a target's, one (JSON or mtr text), and an incident's pair.
        new(HttpMethods.Get, PathsRoute, ApiAccess.Reader),
        new(HttpMethods.Get, PathRoute, ApiAccess.Reader),
        new(HttpMethods.Get, IncidentPathsRoute, ApiAccess.Reader),
    ];

    /// <summary>The route entry for a method and template; an unlisted one is a programming error that stops the host's start.</summary>
    public static ApiRoute Route(string method, string template)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Routes.SingleOrDefault(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && r.Template == template)
            ?? throw new InvalidOperationException(
                $"{method.ToUpperInvariant()} /{RoutePrefix}/{template} is not in NetPulseApi.Routes: add it there with who may call it (Anonymous, Reader or Admin)");
    }

    public static IEndpointRouteBuilder MapNetPulseApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + RoutePrefix);
        Map(api, HttpMethods.Get, HealthRoute, (HealthHandler handler, HttpRequest request) => handler.Handle(request));
        Map(api, HttpMethods.Get, TargetsRoute, (TargetsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, TargetRoute, (TargetsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.GetAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, SeriesRoute, (TargetsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.SeriesAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, IncidentsRoute, (IncidentsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, ReportsRoute, (ReportsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, ReportRoute, (ReportsHandler handler, HttpRequest request, string date, CancellationToken cancellationToken) =>
            handler.GetAsync(request, date, cancellationToken));
        Map(api, HttpMethods.Post, RebuildReportRoute, (ReportsHandler handler, HttpRequest request, string date, CancellationToken cancellationToken) =>
            handler.RebuildAsync(request, date, cancellationToken));
        Map(api, HttpMethods.Get, ExportRoute, (ExportHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ExportAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, ProbesRoute, (ProbesHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Post, ProbesRoute, (ProbesHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.RegisterAsync(request, cancellationToken));
        Map(api, HttpMethods.Post, RevokeProbeRoute, (ProbesHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.RevokeAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, QueuesRoute, (QueuesHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Post, RedriveQueueRoute, (QueuesHandler handler, HttpRequest request, string queue, CancellationToken cancellationToken) =>
            handler.RedriveAsync(request, queue, cancellationToken));
        Map(api, HttpMethods.Get, MaintenanceRoute, (MaintenanceHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Post, MaintenanceRoute, (MaintenanceHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.CreateAsync(request, cancellationToken));
        Map(api, HttpMethods.Delete, MaintenanceWindowRoute, (MaintenanceHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.DeleteAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Post, IncidentMaintenanceRoute, (MaintenanceHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.MarkIncidentAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Post, AcknowledgeIncidentRoute, (AcknowledgeHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.AcknowledgeAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, AcknowledgeLinkRoute, (AcknowledgeHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ConfirmPageAsync(request, cancellationToken));
        Map(api, HttpMethods.Post, AcknowledgeLinkRoute, (AcknowledgeHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.AcknowledgeByLinkAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, AlertsRoute, (AlertsHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, OpenApiRoute, (OpenApiHandler handler, HttpRequest request) => handler.Get(request));
        Map(api, HttpMethods.Get, ManagedTargetsRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.ListAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Post, ManagedTargetsRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.CreateAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Put, ManagedTargetRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, string targetId, CancellationToken cancellationToken) =>
            handler.UpdateAsync(request, probe, targetId, cancellationToken));
        Map(api, HttpMethods.Delete, ManagedTargetRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, string targetId, CancellationToken cancellationToken) =>
            handler.DeleteAsync(request, probe, targetId, cancellationToken));
        Map(api, HttpMethods.Post, ImportManagedTargetsRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.ImportAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Get, ExportManagedTargetsRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.ExportAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Get, ProbeTargetListRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.ProbeListAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Put, ProbeTargetListRoute, (ManagedTargetsHandler handler, HttpRequest request, string probe, CancellationToken cancellationToken) =>
            handler.ProbeImportAsync(request, probe, cancellationToken));
        Map(api, HttpMethods.Get, EvidenceRoute, (EvidenceHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, EvidencePackRoute, (EvidenceHandler handler, HttpRequest request, string probe, string kind, string period, CancellationToken cancellationToken) =>
            handler.GetAsync(request, probe, kind, period, cancellationToken));
        Map(api, HttpMethods.Get, EvidenceFileRoute, (EvidenceHandler handler, HttpRequest request, string probe, string kind, string period, string file, CancellationToken cancellationToken) =>
            handler.DownloadAsync(request, probe, kind, period, file, cancellationToken));
        Map(api, HttpMethods.Post, RebuildEvidenceRoute, (EvidenceHandler handler, HttpRequest request, string probe, string kind, string period, CancellationToken cancellationToken) =>
            handler.RebuildAsync(request, probe, kind, period, cancellationToken));
        Map(api, HttpMethods.Get, HeatmapRoute, (HeatmapHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.HeatmapAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, QualityRoute, (HeatmapHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.QualityAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, RankingRoute, (RankingHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.RankAsync(request, cancellationToken));
        foreach (var method in new[] { HttpMethods.Post, HttpMethods.Delete })
        {
            Map(api, method, RetireProbeRoute, (ProbesHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
                handler.RetireAsync(request, id, cancellationToken));
            Map(api, method, RetireTargetRoute, (ProbesHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
                handler.RetireTargetAsync(request, id, cancellationToken));
        }

        Map(api, HttpMethods.Post, SharesRoute, (ShareLinksHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.CreateAsync(request, cancellationToken));
        Map(api, HttpMethods.Get, SharesRoute, (ShareLinksHandler handler, HttpRequest request, CancellationToken cancellationToken) =>
            handler.ListAsync(request, cancellationToken));
        Map(api, HttpMethods.Delete, ShareRoute, (ShareLinksHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.RevokeAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, SharedRoute, (SharedViewHandler handler, HttpRequest request, string token, CancellationToken cancellationToken) =>
            handler.ViewAsync(request, token, cancellationToken));
        Map(api, HttpMethods.Get, SharedSeriesRoute, (SharedViewHandler handler, HttpRequest request, string token, CancellationToken cancellationToken) =>
            handler.SeriesAsync(request, token, cancellationToken));
        Map(api, HttpMethods.Get, SharedIncidentsRoute, (SharedViewHandler handler, HttpRequest request, string token, CancellationToken cancellationToken) =>
            handler.IncidentsAsync(request, token, cancellationToken));
        Map(api, HttpMethods.Get, SharedFileRoute, (SharedViewHandler handler, HttpRequest request, string token, string file, CancellationToken cancellationToken) =>
            handler.FileAsync(request, token, file, cancellationToken));

        Map(api, HttpMethods.Get, PathsRoute, (PathsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.ListAsync(request, id, cancellationToken));
        Map(api, HttpMethods.Get, PathRoute, (PathsHandler handler, HttpRequest request, string id, string snapshotId, CancellationToken cancellationToken) =>
            handler.GetAsync(request, id, snapshotId, cancellationToken));
        Map(api, HttpMethods.Get, IncidentPathsRoute, (PathsHandler handler, HttpRequest request, string id, CancellationToken cancellationToken) =>
            handler.IncidentAsync(request, id, cancellationToken));
        return endpoints;
    }

    /// <summary>
    /// Lets through only what each route's <see cref="ApiRoute.Access"/> allows (<see cref="ApiGate"/>), answering the
    /// rest with its problem. Call after routing and CORS (so a refusal still carries the CORS headers a page needs to
    /// read it) and before the endpoints run; requests no API route matched pass on to the 404/405 answers.
    /// </summary>
    public static IApplicationBuilder UseNetPulseSignIn(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gate = app.ApplicationServices.GetRequiredService<ApiGate>();
        return app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            var refusal = endpoint?.Metadata.GetMetadata<ApiRoute>() is { } route
                ? await gate.AdmitAsync(context.Request, route.Access, context.RequestAborted)
                : endpoint is RouteEndpoint { RoutePattern.RawText: { } pattern } && pattern.TrimStart('/').StartsWith(RoutePrefix + "/", StringComparison.Ordinal)
                    // An API endpoint mapped without Map (so without its entry of Routes): refuse rather than serve it unchecked.
                    ? ApiProblems.Unguarded(context.Request.Method, pattern)
                    : null;
            if (refusal is null)
            {
                await next(context);
                return;
            }

            await refusal.ExecuteAsync(context);
        });
    }

    private static void Map(RouteGroupBuilder api, string method, string template, Delegate handler) =>
        api.MapMethods(template, [method], handler).WithMetadata(Route(method, template));

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

    /// <summary>
    /// The answer for a handler's exception where no ASP.NET Core exception handler runs (the Functions worker): 503 with
    /// Retry-After when storage cannot be reached, otherwise the 500 problem <see cref="UseNetPulseApiProblems"/> gives.
    /// </summary>
    public static IResult FailureAnswer(HttpRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(exception);
        return StorageFailures.IsUnreachable(exception)
            ? ApiProblems.StorageUnavailable(StorageFailures.Reason(exception))
            : new ApiJsonResult<ApiProblem>(
                ApiProblems.ForStatus(StatusCodes.Status500InternalServerError, request.Method, request.Path.Value ?? ""),
                ApiJsonContext.Default.ApiProblem, StatusCodes.Status500InternalServerError, ApiProblems.ContentType);
    }

    private static async Task WriteProblemAsync(HttpContext context, int status)
    {
        var problem = ApiProblems.ForStatus(status, context.Request.Method, context.Request.Path.Value ?? "");
        context.Response.StatusCode = status;
        context.Response.ContentType = ApiProblems.ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJsonContext.Default.ApiProblem, context.RequestAborted);
    }
}
