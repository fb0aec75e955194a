using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>What one drain of the calm-batch queue did.</summary>
/// <param name="Ingested">Batches handled (stored, or refused and poison-queued with their reason).</param>
/// <param name="Handed">Batches that failed here and went to the ping-batch queue, whose trigger retries them.</param>
/// <param name="Left">Whether the queue may still hold batches because the run's time was up.</param>
public sealed record CalmDrainOutcome(int Ingested, int Handed, bool Left);

/// <summary>
/// The CalmBatches job of the one timer: takes the batches a calm probe put on the calm-batch queue
/// (<see cref="StorageOptions.CalmBatchQueueName"/>) and ingests them as IngestBatch would. Nothing polls that queue:
/// a probe whose targets are all calm times its batch to arrive a few seconds before a minute, and the timer that ticks
/// at the minute anyway takes it. So a calm batch costs no queue listener's empty polls (a listener polls faster after
/// every message it finds) and no billed execution of its own. A change still goes to the polled ping-batch queue at
/// once, so alerts do not wait for the minute.
/// </summary>
/// <remarks>
/// At least once, as the trigger: a message is deleted only after it was handled. A batch that is refused (bad signature,
/// malformed) goes to the ping-batch queue's poison queue at once with its reason, as IngestBatch does; one that fails for
/// another reason (storage trouble) is handed to the ping-batch queue unchanged, where the runtime's retries and poison
/// limit apply. When even that fails the message stays and is visible again after <see cref="Hidden"/>, so nothing is lost.
/// </remarks>
public sealed class CalmBatchDrain
{
    /// <summary>The most messages one receive may take (the service's limit).</summary>
    private const int MaxMessagesPerReceive = 32;

    /// <summary>Batches handled at once, like the trigger's batch size: different probes' batches are independent.</summary>
    private const int Parallelism = 8;

    /// <summary>How long a received message stays hidden: past the run's time budget, so no other run takes it meanwhile.</summary>
    internal static readonly TimeSpan Hidden = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a run takes new messages for. A tick's calm batches are one per calm probe (about 0.1 s each), so this
    /// only bounds a flood; what is left waits for the next tick, said in a warning.
    /// </summary>
    internal static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    private readonly IngestBatchHandler _handler;
    private readonly PoisonQueues _queues;
    private readonly IOptions<StorageOptions> _storage;
    private readonly TimeProvider _time;
    private readonly ILogger<CalmBatchDrain> _logger;

    internal CalmBatchDrain(IngestBatchHandler handler, PoisonQueues queues, IOptions<StorageOptions> storage, TimeProvider time, ILogger<CalmBatchDrain> logger)
    {
        _handler = handler;
        _queues = queues;
        _storage = storage;
        _time = time;
        _logger = logger;
    }

    /// <summary>Takes every batch on the calm queue (within <see cref="Budget"/>); creates the queue when it is missing, which tells probes it is read.</summary>
    public async Task<CalmDrainOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var calm = _queues.TextClient(_storage.Value.CalmBatchQueueName);
        var started = _time.GetTimestamp();
        var ingested = 0;
        var handed = 0;
        while (true)
        {
            QueueMessage[] received;
            try
            {
                received = (await calm.ReceiveMessagesAsync(MaxMessagesPerReceive, Hidden, cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
            {
                // A probe never creates it (an older backend would not read it); its existence is the sign it is read.
                await calm.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                return new CalmDrainOutcome(0, 0, false);
            }

            await Parallel.ForEachAsync(
                received,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (message, token) =>
                {
                    if (await HandleAsync(calm, message, token))
                    {
                        Interlocked.Increment(ref ingested);
                    }
                    else
                    {
                        Interlocked.Increment(ref handed);
                    }
                });

            // A short answer means the queue was empty at that moment; a batch arriving now is the next tick's.
            if (received.Length < MaxMessagesPerReceive)
            {
                return new CalmDrainOutcome(ingested, handed, false);
            }

            if (_time.GetElapsedTime(started) >= Budget)
            {
                _logger.LogWarning(
                    "The calm-batch queue {Queue} still had batches after {Budget} ({Ingested} taken this tick); the rest wait for the next tick. Many probes: give them calm windows of 2 minutes or more",
                    calm.Name, Budget, ingested);
                return new CalmDrainOutcome(ingested, handed, true);
            }
        }
    }

    /// <summary>Handles one message and deletes it; false when it was handed to the ping-batch queue instead.</summary>
    private async Task<bool> HandleAsync(QueueClient calm, QueueMessage message, CancellationToken cancellationToken)
    {
        var text = message.Body.ToString();
        var batchQueue = _storage.Value.PingBatchQueueName;
        var handled = true;
        if (!TryDecode(text, out var body))
        {
            // What the runtime does with a message it cannot decode, at once: no retry can fix it.
            await _queues.MoveTextAsync(batchQueue, text, cancellationToken);
            _logger.LogWarning(
                "Calm-batch message {MessageId} is not Base64 and was moved to {PoisonQueue} ({Length} characters)",
                message.MessageId, PoisonQueues.PoisonOf(batchQueue), text.Length);
        }
        else
        {
            try
            {
                // Refusals are poison-queued inside, with their reason, as for the trigger.
                await _handler.ReceiveAsync(body, message.MessageId, message.DequeueCount, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Hand it to the polled queue as it came: the trigger there retries it with back-off and poisons it after
                // its limit, as for any batch. If this send fails too, the message reappears here after Hidden.
                await _queues.SendTextAsync(batchQueue, text, cancellationToken);
                _logger.LogWarning(
                    "Calm-batch message {MessageId} failed ({Reason}); handed to {Queue}, whose trigger retries it",
                    message.MessageId, FirstLine(ex.Message), batchQueue);
                handled = false;
            }
        }

        try
        {
            await calm.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Its hiding ran out and a later run took it: handled twice, which ingestion absorbs.
        }

        return handled;
    }

    private static bool TryDecode(string text, out BinaryData body)
    {
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            body = BinaryData.FromBytes(bytes.AsMemory(0, written));
            return true;
        }

        body = BinaryData.Empty;
        return false;
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
