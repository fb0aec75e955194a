using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Sending;

/// <summary>
/// Uploads the spool to the ping-batch queue, one batch at a time, oldest first, deleting each only
/// after the queue accepted it. While the queue is unreachable it backs off (<see cref="SendBackoff"/>)
/// and logs the outage once and the recovery once; the batcher and the engine never wait for it.
/// A batch the queue can never take is set aside in the spool's <c>rejected/</c> folder. Each message is the
/// spooled batch behind a signature header (<see cref="BatchSigner"/>); the spool itself holds the batch unsigned.
/// <para>A batch that closed calm on the backend's minute grid (<see cref="CalmBatches"/>) goes to the calm queue, which
/// nothing polls and the backend's timer takes at the minute, when it can still get there before that minute; every
/// other batch (a change, an urgent window, a backlog, a retry) goes to the polled ping-batch queue at once. A calm
/// queue that is missing or refuses the probe (an older backend, a SAS for the ping-batch queue only) is left alone for
/// <see cref="CalmPause"/>, said once, and its batch goes to the ping-batch queue at once.</para>
/// </summary>
/// <remarks>
/// Delivery is at least once: when the queue stored a message but the answer was lost (the link died
/// mid-request), the batch is sent again. The reader is idempotent by design; see DESIGN.md.
/// </remarks>
public sealed partial class QueueSender : BackgroundService
{
    /// <summary>A backlog from a long outage must not expire before the Functions app reads it.</summary>
    private static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);

    /// <summary>How long a send under way may go on once the probe stops.</summary>
    internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>A calm batch goes to the calm queue only when it is this far ahead of its tick: the send must land first.</summary>
    internal static readonly TimeSpan CalmMargin = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a calm queue that is missing or refused is left alone before it is tried again: a backend that reads it
    /// creates it at its first tick, so a probe started first finds it a minute later. Each try costs one queue request.
    /// </summary>
    internal static readonly TimeSpan CalmPause = TimeSpan.FromMinutes(1);

    private readonly BatchSpool _spool;
    private readonly QueueClient _queue;
    private readonly BatchSigner _signer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SendBackoff _backoff;
    private readonly Func<double> _jitter;
    private readonly QueueClient? _calmQueue;
    private readonly CalmBatches? _calm;
    private DateTimeOffset _calmPausedUntil;
    private bool _calmRefused;

    public QueueSender(BatchSpool spool, IOptions<ProbeOptions> options, BatchSigner signer, TimeProvider time, ILogger<QueueSender> logger, CalmBatches? calm = null)
        : this(
            spool,
            QueueClientFactory.Create((options ?? throw new ArgumentNullException(nameof(options))).Value.Queue),
            signer,
            time,
            logger,
            SendBackoff.Default,
            Random.Shared.NextDouble,
            calm is null ? null : QueueClientFactory.CreateCalm(options.Value.Queue),
            calm)
    {
    }

    internal QueueSender(
        BatchSpool spool, QueueClient queue, BatchSigner signer, TimeProvider time, ILogger logger, SendBackoff backoff, Func<double> jitter,
        QueueClient? calmQueue = null, CalmBatches? calm = null)
    {
        _spool = spool ?? throw new ArgumentNullException(nameof(spool));
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
        _jitter = jitter ?? throw new ArgumentNullException(nameof(jitter));
        _calmQueue = calm is null ? null : calmQueue;
        _calm = calmQueue is null ? null : calm;
    }

    /// <summary>Sends until <paramref name="cancellationToken"/> fires. The hosted service runs this.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LogStarting(_queue.AccountName, _queue.Name, _spool.Path, _signer.ProbeId, _signer.KeyId);
        var queueReady = false;
        var failures = 0;
        DateTimeOffset? outageSince = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            SpooledBatch? batch = null;
            try
            {
                if (!queueReady)
                {
                    await EnsureQueueAsync(cancellationToken);
                    queueReady = true;
                }

                batch = await _spool.ReadOldestAsync(cancellationToken);
                if (batch is null)
                {
                    await _spool.WaitForBatchAsync(cancellationToken);
                    continue;
                }

                if (DescribeUnsendable(batch, _signer.ProbeId) is { } problem)
                {
                    await _spool.RejectAsync(batch.Sequence, problem, CancellationToken.None);
                    continue;
                }

                var queue = await SendAsync(batch, cancellationToken);

                // Not cancellable: the queue has the batch, so the spool must learn it even when stopping.
                await _spool.MarkSentAsync(batch.Sequence, CancellationToken.None);
                LogSent(batch.Sequence, batch.WindowStart, batch.Body.Length, queue);
                if (outageSince is { } since)
                {
                    LogRecovered(_queue.Name, _time.GetUtcNow() - since, failures, _spool.Status.BatchCount);
                    outageSince = null;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (batch is not null)
                {
                    _spool.Release(batch.Sequence);
                }

                break;
            }
            catch (RequestFailedException ex) when (batch is not null && IsPermanent(ex))
            {
                await _spool.RejectAsync(
                    batch.Sequence,
                    $"the queue refused it for good: {ex.Status} {ex.ErrorCode}: {FirstLine(ex.Message)}",
                    CancellationToken.None);
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or TimeoutException
                                           or OperationCanceledException or Azure.Identity.AuthenticationFailedException)
            {
                // Network, service and sign-in errors are transient: the batch stays in the spool until
                // the queue takes it. Anything else is a bug or a broken disk and ends the host loudly.
                if (batch is not null)
                {
                    _spool.Release(batch.Sequence);
                }

                if (ex is RequestFailedException { Status: 404 })
                {
                    queueReady = false; // deleted under us: create it again if we may
                }

                failures++;
                if (outageSince is null)
                {
                    outageSince = _time.GetUtcNow();
                    LogOutage(_queue.Name, FirstLine(ex.Message), _spool.Status.BatchCount);
                }
                else
                {
                    LogStillDown(failures, FirstLine(ex.Message));
                }

                if (!await BackOffAsync(failures, cancellationToken))
                {
                    break;
                }
            }
        }

        LogStopped(_spool.Status.BatchCount);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>
    /// Sends one batch. Stopping does not cut a send short at once: the queue may already have stored a message
    /// whose answer is still on its way, and the batch would then go twice at the next start. It gets
    /// <see cref="StopGrace"/> to finish (the batcher spools its last batch just before the sender is stopped).
    /// </summary>
    /// <returns>The name of the queue that took it.</returns>
    private async Task<string> SendAsync(SpooledBatch batch, CancellationToken stoppingToken)
    {
        using var send = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        await using var stopping = stoppingToken.Register(() => send.CancelAfter(StopGrace));
        var message = new BinaryData(_signer.Sign(batch.Body.Span));
        if (CalmQueueFor(batch.Sequence) is { } calm)
        {
            try
            {
                await calm.SendMessageAsync(message, visibilityTimeout: null, timeToLive: NeverExpire, send.Token);
                if (_calmRefused)
                {
                    _calmRefused = false;
                    LogCalmQueueUsable(calm.Name);
                }

                return calm.Name;
            }
            catch (RequestFailedException ex) when (ex.Status is 403 or 404)
            {
                // Missing (an older backend, which would never read it) or not ours to write (a SAS for the other queue).
                _calmPausedUntil = _time.GetUtcNow() + CalmPause;
                if (!_calmRefused)
                {
                    _calmRefused = true;
                    LogCalmQueueUnusable(calm.Name, ex.Status, ex.ErrorCode ?? "", _queue.Name, CalmPause);
                }
            }
        }

        await _queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: NeverExpire, send.Token);
        return _queue.Name;
    }

    /// <summary>The calm queue when batch <paramref name="sequence"/> closed calm and can still reach it before its tick; else null.</summary>
    private QueueClient? CalmQueueFor(long sequence)
    {
        if (_calm is null || !_calm.TryTake(sequence, out var tick))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        _calm.ForgetBefore(now);
        return now >= _calmPausedUntil && now <= tick - CalmMargin ? _calmQueue : null;
    }

    /// <summary>
    /// Only errors that name this message are permanent. Any other 400 (a bad API version, a bad SAS)
    /// would reject every batch in turn, so those wait for a fix like an outage does.
    /// </summary>
    internal static bool IsPermanent(RequestFailedException exception) =>
        exception.Status == 413
        || exception.ErrorCode == QueueErrorCode.MessageTooLarge.ToString()
        || exception.ErrorCode == QueueErrorCode.RequestBodyTooLarge.ToString();

    /// <summary>
    /// Checks a batch read back from the spool as a reader would, so that nothing the Functions app
    /// would poison-queue is sent: a batch of another probe (spooled before the probe's id changed) would be
    /// refused for its signature. Null when it may go.
    /// </summary>
    internal static string? DescribeUnsendable(SpooledBatch batch, string probeId)
    {
        try
        {
            var decoded = PingBatchCodec.Decode(batch.Body.Span);
            return decoded.Sequence != batch.Sequence
                ? $"its body says batch {decoded.Sequence}, its spool file says {batch.Sequence}"
                : decoded.ProbeId != probeId
                    ? $"it is a batch of probe '{decoded.ProbeId}', and this probe, '{probeId}', may sign only its own"
                    : null;
        }
        catch (InvalidPingBatchException ex)
        {
            return "it is not a valid ping batch: " + ex.Message;
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }

    private async Task EnsureQueueAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // An add-only SAS or a sender-only role may not create queues; the queue should exist already.
            LogMayNotCreate(_queue.Name);
        }
    }

    private async Task<bool> BackOffAsync(int failures, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_backoff.Delay(failures, _jitter()), _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending batches from spool {Spool} to queue {Queue} of account {Account}, signed as probe {ProbeId} with key {KeyId}")]
    private partial void LogStarting(string account, string queue, string spool, string probeId, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calm-batch queue {CalmQueue} answered {Status} {ErrorCode}: calm batches go to {Queue} until it takes them (tried again every {Pause}; a backend that reads calm batches creates that queue; a SAS names one queue: set Probe:Queue:CalmServiceUri)")]
    private partial void LogCalmQueueUnusable(string calmQueue, int status, string errorCode, string queue, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calm-batch queue {CalmQueue} takes calm batches now")]
    private partial void LogCalmQueueUsable(string calmQueue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not allowed to create queue {Queue}; assuming it exists")]
    private partial void LogMayNotCreate(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} is unreachable ({Reason}); probing goes on, {Backlog} batches wait in the spool and sending retries with back-off")]
    private partial void LogOutage(string queue, string reason, int backlog);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent batch {Sequence} (samples from {WindowStart:u}, {Bytes} bytes) to queue {Queue}")]
    private partial void LogSent(long sequence, DateTimeOffset windowStart, int bytes, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Send attempt {Attempt} failed: {Reason}")]
    private partial void LogStillDown(int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} is reachable again after {Duration} and {Attempts} failed attempts; {Backlog} spooled batches go out oldest first")]
    private partial void LogRecovered(string queue, TimeSpan duration, int attempts, int backlog);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sender stopped; {Backlog} batches stay in the spool for the next start")]
    private partial void LogStopped(int backlog);
}
