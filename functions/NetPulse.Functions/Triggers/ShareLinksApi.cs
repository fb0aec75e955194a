using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>POST, GET /api/shares and DELETE /api/shares/{id}: the Admin's read-only share links.</summary>
public sealed class ShareLinksApi(ShareLinksHandler handler)
{
    [Function("CreateShareLink")]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.SharesRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.CreateAsync(request, cancellationToken);

    [Function("ShareLinks")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.SharesRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("RevokeShareLink")]
    public Task<IResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = NetPulseApi.ShareRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        handler.RevokeAsync(request, id, cancellationToken);
}
