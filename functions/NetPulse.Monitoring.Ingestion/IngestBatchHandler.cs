using System.Globalization;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>
/// Handles one message of the ping-batch queue: verify, decode, store, detect, announce. A message that is not
/// signed by the registered key of the probe it names (<see cref="SignedBatchMessage"/>), is no valid batch, is over a
/// cap, or whose window lies outside the time this host accepts (<see cref="DescribeWindow"/>), is refused with
/// <see cref="InvalidPingBatchException"/> having stored nothing. The queue triggers call <see cref="ReceiveAsync(BinaryData, string, long, CancellationToken)"/>,
/// which moves such a message to the poison queue at once, unchanged, with one log line naming the reason: no retry
/// could fix it, and five tries made five stack traces. Any other failure (storage unreachable) escapes, so the runtime
/// retries it. Handling the same message again, or messages in any order, leaves the same tables.
/// </summary>
public sealed class IngestBatchHandler
{
    /// <summary>
    /// How far ahead of this host's clock a batch's window may start: clocks of probe and host disagree by seconds
    /// when both keep time, so a window further ahead is a probe clock that is wrong, whose samples would land in
    /// hours that have not happened yet.
    /// </summary>
    public static readonly TimeSpan MaxWindowAhead = TimeSpan.FromMinutes(10);

    private readonly BatchIngestion _ingestion;
    private readonly ProbeKeyCache _probes;
    private readonly PoisonQueues _poison;
    private readonly TimeProvider _time;
    private readonly IOptions<StorageOptions> _storage;
    private readonly ILogger<IngestBatchHandler> _logger;

    internal IngestBatchHandler(
        BatchIngestion ingestion, ProbeKeyCache probes, PoisonQueues poison, TimeProvider time, IOptions<StorageOptions> storage, ILogger<IngestBatchHandler> logger)
    {
        _ingestion = ingestion;
        _probes = probes;
        _poison = poison;
        _time = time;
        _storage = storage;
        _logger = logger;
    }

    /// <summary>
    /// What the queue triggers call: handles the message (<see cref="HandleAsync(BinaryData, string, long, CancellationToken)"/>),
    /// and moves a refused one to the poison queue at once, unchanged, logging one line with its reason and no stack
    /// trace; the message then completes. Any other failure escapes for the runtime to retry, and so does a failure to
    /// reach the poison queue, so nothing is lost.
    /// </summary>
    public async Task ReceiveAsync(BinaryData message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await HandleAsync(message, messageId, dequeueCount, cancellationToken);
        }
        catch (InvalidPingBatchException ex)
        {
            var queue = _storage.Value.PingBatchQueueName;
            await _poison.MoveAsync(queue, message, cancellationToken);
            _logger.LogWarning(
                "Ping batch message {MessageId} refused on delivery {DequeueCount} and moved to {PoisonQueue} ({Bytes} bytes): {Reason}",
                messageId, dequeueCount, PoisonQueues.PoisonOf(queue), message.ToMemory().Length, ex.Message);
        }
    }

    /// <summary>The text-bound form of <see cref="ReceiveAsync(BinaryData, string, long, CancellationToken)"/>.</summary>
    public Task ReceiveAsync(string message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ReceiveAsync(BinaryData.FromString(message), messageId, dequeueCount, cancellationToken);
    }

    /// <summary>Handles the message body (the queue has already undone its Base64): the signature header, then the batch.</summary>
    /// <exception cref="InvalidPingBatchException">
    /// The message is not signed by the registered, unrevoked key of the probe it names, the body is no valid ping
    /// batch or another probe's, or its window is out of bounds; retrying cannot help.
    /// </exception>
    public async Task HandleAsync(BinaryData message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The checks that need no storage come first, so a refusal for them costs no request; the decoder
        // is safe on hostile bytes, and nothing is stored before the signature has been verified.
        var signed = SignedBatchMessage.Parse(message.ToMemory());
        var batch = PingBatchCodec.Decode(signed.Batch.Span);
        if (batch.ProbeId != signed.ProbeId)
        {
            throw new InvalidPingBatchException(
                $"the message is signed by probe '{signed.ProbeId}' but its batch says probe '{batch.ProbeId}'; a probe may only send its own batches");
        }

        if (DescribeWindow(batch.WindowStart, _time.GetUtcNow(), _storage.Value.BacklogLimit) is { } window)
        {
            throw new InvalidPingBatchException(window);
        }

        await VerifyAsync(signed, cancellationToken);

        _logger.LogDebug(
            "Ping batch message {MessageId}: batch {Sequence} of probe {ProbeId}, {TargetCount} targets, {SampleCount} samples, delivery {DequeueCount}",
            messageId, batch.Sequence, batch.ProbeId, batch.Targets.Count, batch.SampleCount, dequeueCount);
        await _ingestion.IngestAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Checks that the probe the header names is registered, not revoked, and signed the batch with its registered key.
    /// </summary>
    private async Task VerifyAsync(SignedBatchMessage signed, CancellationToken cancellationToken)
    {
        var probe = await _probes.GetAsync(signed.ProbeId, cancellationToken)
            ?? throw new InvalidPingBatchException(
                $"probe '{signed.ProbeId}' is not registered: enroll it ('netpulse-probe enroll') and register its public key (POST /api/probes)");
        if (probe.RevokedAt is { } revokedAt)
        {
            throw new InvalidPingBatchException(
                string.Create(CultureInfo.InvariantCulture, $"probe '{signed.ProbeId}' was revoked at {revokedAt.UtcDateTime:O}; its batches are refused"));
        }

        signed.Verify(probe.PublicKeyDer());
    }

    /// <summary>Handles the message body as text (the signature header, then UTF-8 JSON).</summary>
    /// <exception cref="InvalidPingBatchException">The body is no valid ping batch; retrying cannot help.</exception>
    public Task HandleAsync(string message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return HandleAsync(BinaryData.FromString(message), messageId, dequeueCount, cancellationToken);
    }

    /// <summary>
    /// Null when a batch whose window starts at <paramref name="windowStart"/> may be stored at <paramref name="now"/>,
    /// else why not: it starts more than <see cref="MaxWindowAhead"/> ahead, or more than
    /// <paramref name="backlogLimit"/> (<see cref="StorageOptions.BacklogLimit"/>) behind.
    /// </summary>
    internal static string? DescribeWindow(DateTimeOffset windowStart, DateTimeOffset now, TimeSpan backlogLimit)
    {
        if (windowStart > now + MaxWindowAhead)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"'windowStart' {windowStart.UtcDateTime:O} is {windowStart - now} ahead of this host's clock ({now.UtcDateTime:O}); at most {MaxWindowAhead} is allowed, so the probe's clock is wrong");
        }

        if (windowStart < now - backlogLimit)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"'windowStart' {windowStart.UtcDateTime:O} is {now - windowStart} before this host's clock ({now.UtcDateTime:O}); batches older than {StorageOptions.Section}:BacklogLimit ({backlogLimit}) are not stored");
        }

        return null;
    }
}
