using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Ingestion;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's IngestBatch on the WebJobs SDK; a refused batch goes to the poison queue at once, other exceptions escape so the queue retries.</summary>
/// <remarks>Bound as bytes, as in the Functions app: a binary (version 2) batch would not survive a string.</remarks>
public sealed class IngestBatch(IngestBatchHandler handler)
{
    [FunctionName(nameof(IngestBatch))]
    public Task Run(
        [QueueTrigger("%PingBatchQueue%")] byte[] message,
        string id,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        handler.ReceiveAsync(BinaryData.FromBytes(message), id, dequeueCount, cancellationToken);
}
