using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's IngestBatch on the WebJobs SDK; a refused batch goes to the poison queue at once, other exceptions escape so the queue retries.</summary>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [FunctionName(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] string message,
        string id,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        handler.ReceiveAsync(message, id, dequeueCount, cancellationToken);
}
