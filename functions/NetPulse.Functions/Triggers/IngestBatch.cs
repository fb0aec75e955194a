using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.Functions.Triggers;

/// <summary>A probe's batch from the ping-batch queue. A refused batch goes to the poison queue at once; other exceptions escape: the runtime retries, then poison-queues.</summary>
/// <remarks>
/// Bound as the message text (the host has already undone the Base64): the signature header line, then the batch as
/// UTF-8 JSON, both text, so the string round-trips to the signed bytes. A binary batch format would bind bytes instead.
/// </remarks>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [Function(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] string message,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (id, dequeueCount) = QueueTriggerMetadata.Read(context);
        return handler.ReceiveAsync(message, id, dequeueCount, cancellationToken);
    }
}
