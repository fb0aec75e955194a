using NetPulse.Monitoring.Alerts.Channels;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// Tries the due channels of an outbox row once each and records the outcome: a sent mark per channel that accepted
/// (never sent there again), a back-off for one that failed, undelivered once the retry horizon has passed or at once
/// when the channel refused for good. A channel whose circuit is open is skipped without an attempt.
/// Never throws for a channel's failure: only storage errors and the caller's cancellation escape.
/// </summary>
public sealed class AlertDeliverer(
    AlertChannelSet channels,
    AlertOutbox outbox,
    ChannelCircuit circuit,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertDeliverer> logger)
{
    private readonly AlertOptions _options = options.Value;

    /// <summary>How long a claimed row stays with its claimer: its attempts, then some room. A claimer that stopped loses it after this.</summary>
    public TimeSpan Lease(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (_options.AttemptTimeout * Math.Max(1, entry.Deliveries.Count)) + TimeSpan.FromMinutes(1);
    }

    /// <summary>True when the row has a due channel that its circuit lets through, or one past the horizon to close.</summary>
    public bool HasWork(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var now = time.GetUtcNow();
        return entry.Deliveries.Any(d => d.IsDue(now) && (circuit.ClosedUntil(d.Channel, now) is null || PastHorizon(entry, now)));
    }

    /// <summary>Attempts the due channels of a row the caller holds (just inserted, or claimed) and writes the result.</summary>
    /// <param name="inline">
    /// True when the caller is ingestion, which waits for this: a channel that failed and has not succeeded since is
    /// left to the minute timer, so a mail server that hangs rather than refuses costs ingestion one attempt timeout in
    /// an outage, not one per back-off.
    /// </param>
    /// <returns>The row as written; the same row when another instance wrote it meanwhile (a lease that ran out).</returns>
    public async Task<OutboxEntry> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken, bool inline = false)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var now = time.GetUtcNow();

        // Side by side, so one slow channel does not hold back the others' first message.
        var deliveries = await Task.WhenAll(entry.Deliveries.Select(delivery =>
            !delivery.IsDue(now) || (inline && circuit.Failing(delivery.Channel))
                ? Task.FromResult(delivery)
                : AttemptAsync(entry, delivery, cancellationToken)));

        var next = entry with { Deliveries = deliveries };
        if (await outbox.TryReplaceAsync(next, leaseUntil: null, cancellationToken) is { } written)
        {
            return written;
        }

        logger.LogWarning("Alert {NoticeId}: its outbox row changed during delivery (a lease ran out); the newer row stands", entry.Notice.Id);
        return entry;
    }

    private async Task<ChannelDelivery> AttemptAsync(OutboxEntry entry, ChannelDelivery delivery, CancellationToken cancellationToken)
    {
        var notice = entry.Notice;
        var now = time.GetUtcNow();
        if (channels.Find(delivery.Channel) is not { } channel)
        {
            return Give(entry, delivery with { LastError = $"channel '{delivery.Channel}' is no longer configured" }, DeliveryState.Undelivered);
        }

        if (circuit.ClosedUntil(channel.Name, now) is { } until)
        {
            // No attempt: the channel failed moments ago. The row is due again when the circuit lets it through.
            return PastHorizon(entry, now)
                ? Give(entry, delivery, DeliveryState.Undelivered)
                : delivery with { NextAttemptAt = until };
        }

        var attempted = delivery with { Attempts = delivery.Attempts + 1, LastAttemptAt = now };
        try
        {
            // The timeout guards against a hung connection in the real world, so it runs on real time, not the injected clock.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            try
            {
                await channel.DeliverAsync(notice, timeout.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AlertDeliveryException($"no answer within {_options.AttemptTimeout}", isTransient: true, ex);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var permanent = ex is AlertDeliveryException { IsTransient: false };
            var reason = ex is AlertDeliveryException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            var failed = attempted with { LastError = reason };
            var retryAt = circuit.Failed(channel.Name, time.GetUtcNow());
            if (permanent)
            {
                return Give(entry, failed, DeliveryState.Refused);
            }

            if (PastHorizon(entry, now))
            {
                return Give(entry, failed, DeliveryState.Undelivered);
            }

            var after = ChannelCircuit.RetryDelay(_options, failed.Attempts);
            var at = now + after > retryAt ? now + after : retryAt;
            logger.LogWarning(
                "Alert {NoticeId} ({NoticeKind}) not delivered on channel {Channel} (attempt {Attempt}): {Reason}; next attempt at {NextAttemptAt}",
                notice.Id, notice.Kind, channel.Name, failed.Attempts, reason, at);
            return failed with { NextAttemptAt = at };
        }

        circuit.Succeeded(channel.Name);
        logger.LogInformation(
            "Alert {NoticeId} ({NoticeKind}) delivered on channel {Channel} at attempt {Attempt}", notice.Id, notice.Kind, channel.Name, attempted.Attempts);
        return attempted with { State = DeliveryState.Delivered, SentAt = time.GetUtcNow(), LastError = null, NextAttemptAt = null };
    }

    private bool PastHorizon(OutboxEntry entry, DateTimeOffset now) => now - entry.StoredAt >= _options.RetryHorizon;

    /// <summary>The end of trying on a channel: logged once, at Error, since a person must now look.</summary>
    private ChannelDelivery Give(OutboxEntry entry, ChannelDelivery delivery, DeliveryState state)
    {
        logger.LogError(
            "Alert {NoticeId} ({NoticeKind}, raised {RaisedAt}) {Outcome} on channel {Channel} after {Attempts} attempt(s): {Reason}",
            entry.Notice.Id, entry.Notice.Kind, entry.Notice.RaisedAt, state == DeliveryState.Refused ? "refused" : "undelivered",
            delivery.Channel, delivery.Attempts, delivery.LastError);
        return delivery with { State = state, NextAttemptAt = null };
    }
}
