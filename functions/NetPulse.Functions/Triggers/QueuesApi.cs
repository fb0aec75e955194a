using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/admin/queues, POST /api/admin/queues/{queue}/redrive: the queues' depths, and poisoned messages moved back.</summary>
public sealed class QueuesApi(QueuesHandler handler)
{
    [Function("Queues")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.QueuesRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ListAsync(request, cancellationToken);

    [Function("RedriveQueue")]
    public Task<IResult> Redrive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.RedriveQueueRoute)] HttpRequest request, string queue, CancellationToken cancellationToken) =>
        handler.RedriveAsync(request, queue, cancellationToken);
}
