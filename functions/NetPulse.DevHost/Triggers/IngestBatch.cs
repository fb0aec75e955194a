using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's IngestBatch on the WebJobs SDK; exceptions escape so the queue retries, then poison-queues.</summary>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [FunctionName(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] string message,
        string id,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, id, dequeueCount, cancellationToken);
}
