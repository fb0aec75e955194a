using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/evidence, GET /api/evidence/{probe}/{kind}/{period}, GET …/{file}, POST …/rebuild.</summary>
public sealed class EvidenceApi(EvidenceHandler handler)
{
    [Function("EvidencePacks")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.EvidenceRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("EvidencePack")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.EvidencePackRoute)] HttpRequest request,
        string probe,
        string kind,
        string period,
        CancellationToken cancellationToken) =>
        handler.GetAsync(request, probe, kind, period, cancellationToken);

    [Function("EvidenceFile")]
    public Task<IResult> Download(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.EvidenceFileRoute)] HttpRequest request,
        string probe,
        string kind,
        string period,
        string file,
        CancellationToken cancellationToken) =>
        handler.DownloadAsync(request, probe, kind, period, file, cancellationToken);

    [Function("RebuildEvidence")]
    public Task<IResult> Rebuild(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RebuildEvidenceRoute)] HttpRequest request,
        string probe,
        string kind,
        string period,
        CancellationToken cancellationToken) =>
        handler.RebuildAsync(request, probe, kind, period, cancellationToken);
}
