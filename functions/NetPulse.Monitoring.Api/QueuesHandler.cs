using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/admin/queues (each queue's and its poison queue's approximate depth) and POST /api/admin/queues/{queue}/redrive
/// (move every poisoned message back after the cause is fixed), for Admins. Only the queues NetPulse reads are named:
/// any other is a 404, so the route cannot empty or fill an arbitrary queue of the account.
/// </summary>
public sealed class QueuesHandler
{
    public const string Queue = "queue";

    private readonly PoisonQueues _queues;
    private readonly ILogger<QueuesHandler> _logger;

    internal QueuesHandler(PoisonQueues queues, ILogger<QueuesHandler> logger)
    {
        _queues = queues;
        _logger = logger;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var depths = new List<QueueDepthView>();
        foreach (var queue in _queues.Queues)
        {
            var depth = await _queues.DepthAsync(queue, cancellationToken);
            depths.Add(new QueueDepthView(depth.Queue, depth.Messages, depth.PoisonQueue, depth.PoisonMessages));
        }

        return new ApiJsonResult<QueueDepthList>(new QueueDepthList(depths), ApiJsonContext.Default.QueueDepthList);
    });

    public Task<IResult> RedriveAsync(HttpRequest request, string? queue, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        if (queue is null || !StorageOptions.QueueNamePattern().IsMatch(queue))
        {
            throw new ApiParameterException(Queue,
                $"'{ApiRequest.Shorten(queue ?? "")}' is no queue name (3-63 lowercase letters, digits and single hyphens); redrive one of: {string.Join(", ", _queues.Queues)}");
        }

        if (!_queues.IsKnown(queue))
        {
            throw new ApiParameterException(Queue,
                $"'{ApiRequest.Shorten(queue ?? "")}' is no queue NetPulse reads; redrive one of: {string.Join(", ", _queues.Queues)} (GET /api/admin/queues lists them)",
                notFound: true);
        }

        var outcome = await _queues.RedriveAsync(queue!, cancellationToken);
        _logger.LogWarning(
            "Redrive moved {Moved} messages from {PoisonQueue} back to {Queue}; about {Remaining} remain there",
            outcome.Moved, PoisonQueues.PoisonOf(outcome.Queue), outcome.Queue, outcome.Remaining);
        return new ApiJsonResult<RedriveView>(
            new RedriveView(outcome.Queue, PoisonQueues.PoisonOf(outcome.Queue), outcome.Moved, outcome.Remaining), ApiJsonContext.Default.RedriveView);
    });
}

/// <summary>A queue NetPulse reads and its poison queue, with their approximate message counts.</summary>
public sealed record QueueDepthView(string Name, int Messages, string PoisonQueue, int PoisonMessages);

public sealed record QueueDepthList(IReadOnlyList<QueueDepthView> Queues);

/// <summary>What a redrive did: <see cref="Moved"/> messages back on <see cref="Queue"/>; about <see cref="Remaining"/> still poisoned.</summary>
public sealed record RedriveView(string Queue, string PoisonQueue, int Moved, int Remaining);
