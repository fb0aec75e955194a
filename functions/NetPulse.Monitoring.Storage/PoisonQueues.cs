using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace NetPulse.Monitoring.Storage;

/// <summary>How full a queue and its poison queue are (approximate counts, as storage reports them; 0 for a queue that does not exist).</summary>
public sealed record QueueDepth(string Queue, int Messages, string PoisonQueue, int PoisonMessages);

/// <summary>What a redrive did: messages moved back to <see cref="Queue"/>, and how many its poison queue still holds (approximately).</summary>
public sealed record RedriveOutcome(string Queue, int Moved, int Remaining);

/// <summary>
/// The poison queues of the queues NetPulse reads ("&lt;queue&gt;-poison", the name the Functions runtime uses): ingestion
/// moves a batch that no retry can fix there at once (<see cref="MoveAsync"/>), the admin API shows their depth and moves
/// their messages back after a fix (<see cref="RedriveAsync"/>). Bodies travel unchanged: the client here encodes nothing,
/// so a redrive moves the stored text as it is (even a message that is no Base64, which the runtime poisons as it came),
/// and <see cref="MoveAsync"/> stores Base64 as the queue trigger expects, the form the probe's message had.
/// </summary>
public sealed class PoisonQueues
{
    /// <summary>What the Functions runtime appends to a queue's name for its poison queue.</summary>
    public const string Suffix = "-poison";

    /// <summary>
    /// How long a redrive hides a poison message it is moving: long enough to send it and delete it, so a second redrive
    /// running at the same time takes other messages; a run that dies leaves the message to reappear after it.
    /// </summary>
    internal static readonly TimeSpan MoveVisibility = TimeSpan.FromMinutes(5);

    /// <summary>The most messages one receive may take (the service's limit).</summary>
    private const int MaxMessagesPerReceive = 32;

    private readonly QueueServiceClient _queues;
    private readonly IOptions<StorageOptions> _options;
    private readonly TimeProvider _time;

    /// <param name="queues">A client that encodes nothing (<see cref="QueueMessageEncoding.None"/>).</param>
    internal PoisonQueues(QueueServiceClient queues, IOptions<StorageOptions> options, TimeProvider time)
    {
        _queues = queues;
        _options = options;
        _time = time;
    }

    /// <summary>The queues whose poison queues are watched and may be redriven: the ping-batch queue.</summary>
    public IReadOnlyList<string> Queues => [_options.Value.PingBatchQueueName];

    public static string PoisonOf(string queue) => queue + Suffix;

    /// <summary>Whether <paramref name="queue"/> is one of <see cref="Queues"/> (by exact name).</summary>
    public bool IsKnown(string? queue) => queue is not null && Queues.Contains(queue, StringComparer.Ordinal);

    /// <summary>
    /// Puts <paramref name="body"/> (a message of <paramref name="queue"/> as the trigger decoded it) on the queue's poison
    /// queue in Base64, as it arrived; creates the poison queue on first use.
    /// </summary>
    public Task MoveAsync(string queue, BinaryData body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return MoveTextAsync(queue, Convert.ToBase64String(body.ToMemory().Span), cancellationToken);
    }

    /// <summary>
    /// Puts <paramref name="text"/>, a message of <paramref name="queue"/> exactly as it was stored (for one that is not even
    /// Base64), on the queue's poison queue unchanged; creates the poison queue on first use.
    /// </summary>
    public Task MoveTextAsync(string queue, string text, CancellationToken cancellationToken) =>
        SendTextAsync(PoisonOf(queue), text, cancellationToken);

    /// <summary>
    /// Puts <paramref name="text"/> on <paramref name="queue"/> exactly as given (no encoding); creates the queue when it
    /// is missing, which costs a request only then.
    /// </summary>
    public async Task SendTextAsync(string queue, string text, CancellationToken cancellationToken)
    {
        var client = _queues.GetQueueClient(queue);
        try
        {
            await client.SendMessageAsync(text, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await client.SendMessageAsync(text, cancellationToken: cancellationToken);
        }
    }

    /// <summary>A client for <paramref name="queue"/> that encodes nothing: its messages are the text they are stored as.</summary>
    public QueueClient TextClient(string queue) => _queues.GetQueueClient(queue);

    /// <summary>The approximate depth of a queue and of its poison queue.</summary>
    public async Task<QueueDepth> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        var messages = CountAsync(queue, cancellationToken);
        var poison = CountAsync(PoisonOf(queue), cancellationToken);
        return new QueueDepth(queue, await messages, PoisonOf(queue), await poison);
    }

    /// <summary>The approximate depth of <paramref name="queue"/>'s poison queue alone: one request, for the watch that needs no more.</summary>
    public Task<int> PoisonDepthAsync(string queue, CancellationToken cancellationToken) => CountAsync(PoisonOf(queue), cancellationToken);

    /// <summary>
    /// Moves every message of <paramref name="queue"/>'s poison queue back to <paramref name="queue"/>, body unchanged.
    /// Each message is sent first and deleted from the poison queue only then, so a failure in between leaves a copy in
    /// both (ingestion is idempotent) and never none. Messages poisoned after the redrive began (a batch that fails again)
    /// are left where they are, so a redrive always ends.
    /// </summary>
    public async Task<RedriveOutcome> RedriveAsync(string queue, CancellationToken cancellationToken)
    {
        var poison = _queues.GetQueueClient(PoisonOf(queue));
        var target = _queues.GetQueueClient(queue);
        var started = _time.GetUtcNow();
        var moved = 0;
        var done = false;
        while (!done)
        {
            QueueMessage[] received;
            try
            {
                received = (await poison.ReceiveMessagesAsync(MaxMessagesPerReceive, MoveVisibility, cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
            {
                break;
            }

            done = received.Length == 0;
            foreach (var message in received)
            {
                if (message.InsertedOn > started)
                {
                    // Poisoned again during this run: give it back at once and stop after this round.
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
                    done = true;
                    continue;
                }

                await target.SendMessageAsync(message.MessageText, cancellationToken: cancellationToken);
                try
                {
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    // Its hiding ran out and another redrive took it: it is on the queue, perhaps twice, which ingestion absorbs.
                }

                moved++;
            }
        }

        return new RedriveOutcome(queue, moved, await CountAsync(PoisonOf(queue), cancellationToken));
    }

    private async Task<int> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await _queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            return 0;
        }
    }
}
