using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/reports, GET /api/reports/{date}, POST /api/reports/{date}/rebuild.</summary>
public sealed class ReportsApi(ReportsHandler handler)
{
    [Function("Reports")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ReportsRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("Report")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ReportRoute)] HttpRequest request, string date, CancellationToken cancellationToken) =>
        handler.GetAsync(request, date, cancellationToken);

    [Function("RebuildReport")]
    public Task<IResult> Rebuild(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RebuildReportRoute)] HttpRequest request, string date, CancellationToken cancellationToken) =>
        handler.RebuildAsync(request, date, cancellationToken);
}
