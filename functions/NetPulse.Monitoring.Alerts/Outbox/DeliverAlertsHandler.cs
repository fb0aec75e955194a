using Azure;
using Azure.Storage.Queues;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// Run by the minute timer (DeliverAlerts): moves what an older version left on the "alerts" queue into the outbox,
/// raises due reminders and escalations, and retries every outbox row with a channel due. Every failure of a channel
/// stays in the outbox; only storage errors escape, and the next run starts again. The outbox and the alert state are
/// read only when something can be due (<see cref="DueWatch"/>): most runs read nothing.
/// </summary>
public sealed class DeliverAlertsHandler(
    AlertOutbox outbox,
    AlertRaiser raiser,
    AlertDeliverer deliverer,
    QueueServiceClient queues,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<DeliverAlertsHandler> logger)
{
    private readonly QueueClient _legacy = queues.GetQueueClient(storage.Value.AlertQueueName);
    private volatile bool _legacyGone;

    /// <summary>One run; returns how many outbox rows it attempted.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await DrainLegacyQueueAsync(cancellationToken);
        await raiser.RemindAndEscalateAsync(cancellationToken);

        var attempted = 0;
        var now = time.GetUtcNow();
        foreach (var due in await outbox.DueIfAnyAsync(now, cancellationToken) ?? [])
        {
            if (!deliverer.HasWork(due))
            {
                continue;
            }

            // Claim first: a second instance running the same minute finds the row leased and leaves it.
            if (await outbox.TryReplaceAsync(due, time.GetUtcNow() + deliverer.Lease(due), cancellationToken) is not { } claimed)
            {
                continue;
            }

            await deliverer.DeliverAsync(claimed, cancellationToken);
            attempted++;
        }

        return attempted;
    }

    /// <summary>
    /// The upgrade path: alerts that the version before the outbox queued and did not send yet become outbox notices
    /// (then the message is deleted), so an upgrade loses nothing. An old instance may still write there during the
    /// swap, so an existing queue is read every run (one request); once it is missing, this instance stops looking.
    /// </summary>
    private async Task DrainLegacyQueueAsync(CancellationToken cancellationToken)
    {
        if (_legacyGone)
        {
            return;
        }

        while (true)
        {
            Azure.Storage.Queues.Models.QueueMessage[] messages;
            try
            {
                messages = (await _legacy.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                _legacyGone = true;
                return;
            }

            if (messages.Length == 0)
            {
                return;
            }

            foreach (var message in messages)
            {
                await MoveAsync(message, cancellationToken);
            }
        }
    }

    private async Task MoveAsync(Azure.Storage.Queues.Models.QueueMessage message, CancellationToken cancellationToken)
    {
        AlertMessage alert;
        try
        {
            alert = AlertMessageCodec.Decode(DecodeBody(message.Body));
        }
        catch (InvalidAlertMessageException ex)
        {
            // What the old trigger would have poisoned: kept, with its reason, where a person can look.
            logger.LogError("Legacy alert message {MessageId} is not an alert ({Reason}); moved to {PoisonQueue}", message.MessageId, ex.Message, _legacy.Name + "-poison");
            var poison = queues.GetQueueClient(_legacy.Name + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
            await _legacy.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return;
        }

        await raiser.RaiseAsync([new RaisedAlert(alert.Kind, alert.Incidents)], deliverNow: false, cancellationToken);
        await _legacy.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        logger.LogInformation("Legacy alert message {MessageId} ({AlertKind}) moved into the outbox", message.MessageId, alert.Kind);
    }

    /// <summary>The old publisher's client Base64-encoded the JSON, as the queue trigger expected; a plain body is taken as it is.</summary>
    private static string DecodeBody(BinaryData body)
    {
        var text = body.ToString();
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return text;
        }
    }
}
