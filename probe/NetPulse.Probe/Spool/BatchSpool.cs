using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Spool;

/// <summary>
/// The probe's durable store-and-forward spool: every closed batch is on disk (flushed, renamed into
/// place, folder flushed) before anyone tries to send it, and leaves the disk only after the queue
/// accepted it. It survives restarts and kill -9; files torn by a crash are set aside in
/// <c>corrupt/</c>, never silently deleted. Past its size cap it drops the oldest batches, and says so.
/// </summary>
/// <remarks>
/// One batcher adds (<see cref="AddAsync"/>) and one sender drains (<see cref="ReadOldestAsync"/>, then
/// <see cref="MarkSentAsync"/>, <see cref="Release"/> or <see cref="RejectAsync"/>), one batch at a
/// time and oldest first. Both may run at once. The spool numbers the batches: the batcher takes
/// <see cref="NextSequence"/> for the batch it closes, so numbering continues across restarts.
/// What happens once at opening (crash recovery, torn files) is <see cref="SpoolRecovery"/>'s; reading the
/// status from another process is <see cref="SpoolStatusReader"/>'s.
/// </remarks>
public sealed partial class BatchSpool
{
    public const string CorruptFolderName = "corrupt";
    public const string RejectedFolderName = "rejected";

    /// <summary>How stale the persisted last-send record may get while a backlog drains.</summary>
    public static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, SpoolEntry> _entries = [];
    private readonly Channel<bool> _added = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SpoolQuarantine _quarantine;
    private readonly long _maxBytes;
    private long _bytes;
    private long _nextSequence;
    private long? _inFlight;
    private SpoolState _state;
    private DateTimeOffset _statePersistedAt = DateTimeOffset.MinValue;
    private int _adding;

    public BatchSpool(IOptions<ProbeOptions> options, TimeProvider time, ILogger<BatchSpool> logger)
        : this(
            (options ?? throw new ArgumentNullException(nameof(options))).Value.Spool.Path,
            options.Value.Spool.MaxMegabytes * 1024L * 1024L,
            time,
            logger)
    {
    }

    /// <summary>Opens (or creates) the spool in <paramref name="path"/> and checks every file in it (see <see cref="SpoolRecovery"/>).</summary>
    internal BatchSpool(string path, long maxBytes, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Path = System.IO.Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Directory.CreateDirectory(Path);
        _quarantine = new SpoolQuarantine(Path, time, logger);
        var (state, entries) = new SpoolRecovery(Path, _quarantine, time, logger).Recover();
        _state = state;
        _nextSequence = state.NextSequence;
        foreach (var entry in entries)
        {
            _entries.Add(entry.Sequence, entry);
            _bytes += entry.Bytes;
        }

        ForgetDropped(TrimToCap(keep: null));

        var status = Status;
        LogOpened(Path, status.BatchCount, status.Bytes, status.NextSequence);
    }

    /// <summary>Called with every batch once it is durably spooled; lets tests see what was stored before it is sent.</summary>
    internal Action<SpooledBatch>? Spooled { get; set; }

    /// <summary>The spool's folder, absolute.</summary>
    public string Path { get; }

    /// <summary>The number the next batch added must carry.</summary>
    public long NextSequence
    {
        get
        {
            lock (_gate)
            {
                return _nextSequence;
            }
        }
    }

    /// <summary>The batches waiting and where the oldest one's samples begin, without the folder scans of <see cref="Status"/>: each batch's probe status carries it.</summary>
    public (int Count, DateTimeOffset? OldestWindowStart) Backlog
    {
        get
        {
            lock (_gate)
            {
                foreach (var entry in _entries.Values)
                {
                    return (_entries.Count, entry.WindowStart);
                }

                return (0, null);
            }
        }
    }

    public SpoolStatus Status
    {
        get
        {
            SpoolStatus status;
            lock (_gate)
            {
                var oldest = _entries.Count > 0 ? _entries.First().Value : (SpoolEntry?)null;
                status = new SpoolStatus
                {
                    BatchCount = _entries.Count,
                    Bytes = _bytes,
                    OldestSequence = oldest?.Sequence,
                    OldestWindowStart = oldest?.WindowStart,
                    LastSentSequence = _state.LastSentSequence,
                    LastSentAt = _state.LastSentAt,
                    NextSequence = _nextSequence,
                };
            }

            return status with
            {
                CorruptCount = SpoolStatusReader.CountSetAside(Path, CorruptFolderName),
                RejectedCount = SpoolStatusReader.CountSetAside(Path, RejectedFolderName),
            };
        }
    }

    /// <summary>
    /// Writes <paramref name="batch"/> durably and queues it for sending; returns once it is on disk.
    /// Its sequence must be <see cref="NextSequence"/>. When the spool then exceeds its cap, the oldest
    /// batches (never this one, nor the one being sent) are dropped with a warning.
    /// </summary>
    public async Task AddAsync(SpooledBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Interlocked.Exchange(ref _adding, 1) == 1)
        {
            throw new InvalidOperationException("AddAsync is already running: one batcher feeds the spool, one batch at a time.");
        }

        try
        {
            var expected = NextSequence;
            if (batch.Sequence != expected)
            {
                throw new InvalidOperationException($"Batch {batch.Sequence} added out of turn; the spool expects batch {expected}.");
            }

            var content = SpoolFile.Format(batch);
            await DurableFile.WriteAsync(FilePath(batch.Sequence), content, cancellationToken);

            List<SpoolEntry> dropped;
            lock (_gate)
            {
                _entries.Add(batch.Sequence, new SpoolEntry(batch.Sequence, batch.WindowStart, content.Length));
                _bytes += content.Length;
                _nextSequence = batch.Sequence + 1;
                dropped = TrimToCap(keep: batch.Sequence);
            }

            ForgetDropped(dropped);
            Spooled?.Invoke(batch);
            _added.Writer.TryWrite(true);
        }
        finally
        {
            Volatile.Write(ref _adding, 0);
        }
    }

    /// <summary>Waits until a batch has been added since the last wait returned (or returns at once if one has).</summary>
    public async Task WaitForBatchAsync(CancellationToken cancellationToken) =>
        await _added.Reader.ReadAsync(cancellationToken);

    /// <summary>
    /// Reads the oldest waiting batch and marks it as being sent; null when the spool is empty. Files
    /// found unreadable on the way are set aside in <c>corrupt/</c> and skipped. The caller must then
    /// call exactly one of <see cref="MarkSentAsync"/>, <see cref="Release"/> or <see cref="RejectAsync"/>.
    /// </summary>
    public async Task<SpooledBatch?> ReadOldestAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SpoolEntry entry;
            lock (_gate)
            {
                if (_inFlight is { } busy)
                {
                    throw new InvalidOperationException($"Batch {busy} is still being sent: settle it before reading the next.");
                }

                if (_entries.Count == 0)
                {
                    return null;
                }

                entry = _entries.First().Value;
                _inFlight = entry.Sequence;
            }

            var path = FilePath(entry.Sequence);
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                Forget(entry.Sequence);
                LogBatchVanished(entry.Sequence, path);
                continue;
            }
            catch
            {
                Release(entry.Sequence);
                throw;
            }

            var problem = SpoolFile.TryParse(content, entry.Sequence, out var batch);
            if (problem is null)
            {
                return batch;
            }

            Forget(entry.Sequence);
            _quarantine.SetAside(path, CorruptFolderName, problem);
        }
    }

    /// <summary>
    /// Records that the queue accepted batch <paramref name="sequence"/> and deletes its file.
    /// </summary>
    /// <remarks>
    /// The state file is written before the file is deleted, so a crash in between leaves a file that
    /// the next start knows was sent. It is written when the spool is about to run empty (then no batch
    /// file is left to carry the numbering across a restart) and otherwise at most once a
    /// <see cref="StateWriteInterval"/>: each write costs two fsyncs, and a backlog drains far faster
    /// without one per batch. Between writes, a crash can cost one duplicate send, which delivery
    /// at least once allows, and the <c>status</c> command may see a last send that much older.
    /// </remarks>
    public async Task MarkSentAsync(long sequence, CancellationToken cancellationToken)
    {
        EnsureInFlight(sequence);
        var now = _time.GetUtcNow();
        SpoolState state;
        bool persist;
        lock (_gate)
        {
            state = new SpoolState { NextSequence = _nextSequence, LastSentSequence = sequence, LastSentAt = now };
            _state = state;
            persist = _entries.Count <= 1 || now - _statePersistedAt >= StateWriteInterval;
        }

        if (persist)
        {
            await PersistStateAsync(state, sequence, cancellationToken);
        }

        Forget(sequence);
        File.Delete(FilePath(sequence));
    }

    /// <summary>Gives back batch <paramref name="sequence"/> unsent (the send failed for now); it stays the oldest.</summary>
    public void Release(long sequence)
    {
        lock (_gate)
        {
            if (_inFlight == sequence)
            {
                _inFlight = null;
            }
        }
    }

    /// <summary>
    /// Sets batch <paramref name="sequence"/> aside in <c>rejected/</c> because it can never be sent,
    /// so it does not block the batches behind it. Logged with <paramref name="reason"/>.
    /// </summary>
    public async Task RejectAsync(long sequence, string reason, CancellationToken cancellationToken)
    {
        EnsureInFlight(sequence);
        Forget(sequence);
        _quarantine.SetAside(FilePath(sequence), RejectedFolderName, reason);

        // Numbering must not reuse the rejected batch's number, even if the spool is now empty.
        SpoolState state;
        lock (_gate)
        {
            state = _state with { NextSequence = _nextSequence };
            _state = state;
        }

        await PersistStateAsync(state, sequence, cancellationToken);
    }

    private async Task PersistStateAsync(SpoolState state, long sequence, CancellationToken cancellationToken)
    {
        try
        {
            await SpoolState.WriteAsync(Path, state, cancellationToken);
            lock (_gate)
            {
                _statePersistedAt = _time.GetUtcNow();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The send happened; keeping the file would only send it again. Numbering stays right
            // while the probe runs, and the batch files still on disk carry it across a restart.
            LogStateNotWritten(ex, sequence);
        }
    }

    private string FilePath(long sequence) => System.IO.Path.Combine(Path, SpoolFile.NameFor(sequence));

    /// <summary>Drops the oldest batches until the spool fits its cap. Call under the lock.</summary>
    private List<SpoolEntry> TrimToCap(long? keep)
    {
        var dropped = new List<SpoolEntry>();
        while (_bytes > _maxBytes)
        {
            var victim = _entries.Values.FirstOrDefault(e => e.Sequence != keep && e.Sequence != _inFlight);
            if (victim.Bytes == 0)
            {
                break;
            }

            _entries.Remove(victim.Sequence);
            _bytes -= victim.Bytes;
            dropped.Add(victim);
        }

        return dropped;
    }

    private void ForgetDropped(List<SpoolEntry> dropped)
    {
        if (dropped.Count == 0)
        {
            return;
        }

        foreach (var entry in dropped)
        {
            File.Delete(FilePath(entry.Sequence));
        }

        LogDropped(
            dropped.Count,
            dropped[0].Sequence,
            dropped[^1].Sequence,
            dropped.Sum(e => e.Bytes),
            _maxBytes / (1024.0 * 1024.0),
            dropped[0].WindowStart,
            dropped[^1].WindowStart);
    }

    private void Forget(long sequence)
    {
        lock (_gate)
        {
            if (_entries.Remove(sequence, out var entry))
            {
                _bytes -= entry.Bytes;
            }

            if (_inFlight == sequence)
            {
                _inFlight = null;
            }
        }
    }

    private void EnsureInFlight(long sequence)
    {
        lock (_gate)
        {
            if (_inFlight != sequence)
            {
                throw new InvalidOperationException($"Batch {sequence} is not being sent; read it with ReadOldestAsync first.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spool {Path} opened: {Count} batches ({Bytes} bytes) waiting, next sequence {Next}")]
    private partial void LogOpened(string path, int count, long bytes, long next);



    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool is over its cap of {CapMegabytes:0.###} MB: dropped the {Count} oldest batches, sequences {First}-{Last} ({Bytes} bytes, windows from {FirstWindow:O} to {LastWindow:O}); their samples are lost")]
    private partial void LogDropped(int count, long first, long last, long bytes, double capMegabytes, DateTimeOffset firstWindow, DateTimeOffset lastWindow);



    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Sequence} was in the spool but its file {File} is gone; skipped")]
    private partial void LogBatchVanished(long sequence, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the send of batch {Sequence} in the spool state")]
    private partial void LogStateNotWritten(Exception exception, long sequence);
}
