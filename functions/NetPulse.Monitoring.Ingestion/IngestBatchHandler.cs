using NetPulse.Contracts;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// Handles one message of the ping-batch queue: decode, store, detect, announce. A message that is no valid
/// batch throws <see cref="InvalidPingBatchException"/> after logging why; the queue runtime retries it and then
/// moves it to the poison queue, while other batches keep flowing. Handling the same message again, or messages
/// in any order, leaves the same tables.
/// </summary>
public sealed class IngestBatchHandler
{
    private readonly BatchIngestion _ingestion;
    private readonly ILogger<IngestBatchHandler> _logger;

    internal IngestBatchHandler(BatchIngestion ingestion, ILogger<IngestBatchHandler> logger)
    {
        _ingestion = ingestion;
        _logger = logger;
    }

    /// <summary>Handles the message body (the queue has already undone its Base64).</summary>
    /// <exception cref="InvalidPingBatchException">The body is no valid ping batch; retrying cannot help.</exception>
    public async Task HandleAsync(BinaryData message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        PingBatch batch;
        try
        {
            batch = PingBatchCodec.Decode(message.ToMemory().Span);
        }
        catch (InvalidPingBatchException ex)
        {
            _logger.LogError(
                "Ping batch message {MessageId} rejected on delivery {DequeueCount}: {Reason}; it goes to the poison queue once retries run out",
                messageId, dequeueCount, ex.Message);
            throw;
        }

        _logger.LogDebug(
            "Ping batch message {MessageId}: batch {Sequence} of probe {ProbeId}, {TargetCount} targets, {SampleCount} samples, delivery {DequeueCount}",
            messageId, batch.Sequence, batch.ProbeId, batch.Targets.Count, batch.SampleCount, dequeueCount);
        await _ingestion.IngestAsync(batch, cancellationToken);
    }

    /// <summary>Handles the message body as text (UTF-8 JSON).</summary>
    /// <exception cref="InvalidPingBatchException">The body is no valid ping batch; retrying cannot help.</exception>
    public Task HandleAsync(string message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return HandleAsync(BinaryData.FromString(message), messageId, dequeueCount, cancellationToken);
    }
}
