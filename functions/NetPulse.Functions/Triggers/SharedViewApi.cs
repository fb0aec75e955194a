using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/shared/{token}, /series, /incidents and /files/{file}: what a share link shows; the token is the credential.</summary>
public sealed class SharedViewApi(SharedViewHandler handler)
{
    [Function("SharedView")]
    public Task<IResult> View(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SharedRoute)] HttpRequest request, string token, CancellationToken cancellationToken) =>
        handler.ViewAsync(request, token, cancellationToken);

    [Function("SharedSeries")]
    public Task<IResult> Series(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SharedSeriesRoute)] HttpRequest request, string token, CancellationToken cancellationToken) =>
        handler.SeriesAsync(request, token, cancellationToken);

    [Function("SharedIncidents")]
    public Task<IResult> Incidents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SharedIncidentsRoute)] HttpRequest request, string token, CancellationToken cancellationToken) =>
        handler.IncidentsAsync(request, token, cancellationToken);

    [Function("SharedPackFile")]
    public Task<IResult> File(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SharedFileRoute)] HttpRequest request, string token, string file, CancellationToken cancellationToken) =>
        handler.FileAsync(request, token, file, cancellationToken);
}
