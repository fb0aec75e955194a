using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using NetPulse.Contracts;

namespace NetPulse.Probe.IntegrationTests.Queue;

/// <summary>
/// Reads the ping-batch queue as the Functions app would, but raw: it keeps each message's text (the
/// Base64 the trigger decodes) and its id, deletes it, and carries on through Azurite outages. A
/// message seen twice under the same id is Azurite replaying a delete it lost when it was killed
/// (it saves its state every few seconds), not the probe sending twice, so it is counted apart.
/// </summary>
public sealed class QueueReceiver : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte> _ids = new();
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly Task _loop;
    private int _replays;

    public QueueReceiver(string connectionString, string queueName)
    {
        // No decoding: the test checks the wire text itself is Base64.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        options.Retry.MaxRetries = 0;
        _queue = new QueueClient(connectionString, queueName, options);
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Distinct messages in the order they were first received.</summary>
    public IReadOnlyList<ReceivedMessage> Messages => [.. _messages];

    public int Replays => Volatile.Read(ref _replays);

    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedMessage>, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition(Messages))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                QueueMessage[] batch = await _queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(5), cancellationToken);
                foreach (var message in batch)
                {
                    if (_ids.TryAdd(message.MessageId, 0))
                    {
                        _messages.Enqueue(new ReceivedMessage(message.MessageId, message.MessageText));
                    }
                    else
                    {
                        Interlocked.Increment(ref _replays);
                    }

                    await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }

                if (batch.Length == 0)
                {
                    await Task.Delay(20, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                // Azurite is down (the outage test) or the queue does not exist yet.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}

public sealed record ReceivedMessage(string MessageId, string Text)
{
    /// <summary>The message as sent: the signature header line, then the batch.</summary>
    public byte[] Message => Convert.FromBase64String(Text);

    public SignedBatchMessage Parsed => SignedBatchMessage.Parse(Message);

    /// <summary>The batch bytes after the signature header: what the probe spooled, byte for byte.</summary>
    public byte[] Body => Parsed.Batch.ToArray();
}
