using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's IngestBatch on the WebJobs SDK; exceptions escape so the queue retries, then poison-queues.</summary>
/// <remarks>Bound as bytes, as in the Functions app: a binary (version 2) batch would not survive a string.</remarks>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [FunctionName(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] byte[] message,
        string id,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(BinaryData.FromBytes(message), id, dequeueCount, cancellationToken);
}
