using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.Functions.Triggers;

/// <summary>A probe's batch from the ping-batch queue. A refused batch goes to the poison queue at once; other exceptions escape: the runtime retries, then poison-queues.</summary>
/// <remarks>
/// Bound as bytes (the host has already undone the Base64): the signature header line, then the batch, which since
/// wire version 2 is binary. A string would go through UTF-8 and mangle it; so would <see cref="BinaryData"/>, which
/// the worker's queue extension builds from the message text. A byte[] makes the host send the body's bytes as they are.
/// </remarks>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [Function(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] byte[] message,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (id, dequeueCount) = QueueTriggerMetadata.Read(context);
        return handler.ReceiveAsync(BinaryData.FromBytes(message), id, dequeueCount, cancellationToken);
    }
}
