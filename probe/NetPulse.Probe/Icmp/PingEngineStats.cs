using NetPulse.Contracts;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Counters and send-lateness percentiles of one ping engine, safe to read from any thread while the engine
/// runs (the benchmark and the <c>status</c> command read them through <see cref="Snapshot"/>).
/// </summary>
public sealed class PingEngineStats
{
    /// <summary>Lateness percentiles cover the last one to two minutes.</summary>
    public static readonly TimeSpan LatenessWindow = TimeSpan.FromMinutes(1);

    private readonly Func<long> _clock;
    private readonly LatenessHistogram _lateness;
    private long _sent;
    private long _received;
    private long _timeouts;
    private long _unreachable;
    private long _ttlExpired;
    private long _sendFailed;
    private long _resolveFailed;
    private long _missedRounds;
    private long _droppedSamples;
    private long _unexpectedReplies;
    private long _foreignMessages;

    /// <param name="clock">The engine's clock (timestamps), so the lateness window moves with it.</param>
    /// <param name="timestampFrequency">Units of <paramref name="clock"/> per second.</param>
    internal PingEngineStats(Func<long> clock, long timestampFrequency)
    {
        _clock = clock;
        _lateness = new LatenessHistogram(LatenessWindow, timestampFrequency);
    }

    /// <summary>A consistent-enough copy of the counters (each read atomically, not all at one instant).</summary>
    public PingEngineStatsSnapshot Snapshot()
    {
        var now = _clock();
        return new PingEngineStatsSnapshot(
            Sent: Interlocked.Read(ref _sent),
            Received: Interlocked.Read(ref _received),
            Timeouts: Interlocked.Read(ref _timeouts),
            Unreachable: Interlocked.Read(ref _unreachable),
            TtlExpired: Interlocked.Read(ref _ttlExpired),
            SendFailed: Interlocked.Read(ref _sendFailed),
            ResolveFailed: Interlocked.Read(ref _resolveFailed),
            MissedRounds: Interlocked.Read(ref _missedRounds),
            DroppedSamples: Interlocked.Read(ref _droppedSamples),
            UnexpectedReplies: Interlocked.Read(ref _unexpectedReplies),
            ForeignMessages: Interlocked.Read(ref _foreignMessages),
            LatenessSamples: _lateness.Count(now),
            LatenessP50: _lateness.Percentile(0.50, now),
            LatenessP99: _lateness.Percentile(0.99, now),
            LatenessMax: _lateness.Max);
    }

    internal void RecordSent(TimeSpan lateness, long now)
    {
        Interlocked.Increment(ref _sent);
        _lateness.Record(lateness, now);
    }

    internal void RecordOutcome(PingStatus status)
    {
        switch (status)
        {
            case PingStatus.Ok:
                Interlocked.Increment(ref _received);
                break;
            case PingStatus.Timeout:
                Interlocked.Increment(ref _timeouts);
                break;
            case PingStatus.Unreachable:
                Interlocked.Increment(ref _unreachable);
                break;
            case PingStatus.TtlExpired:
                Interlocked.Increment(ref _ttlExpired);
                break;
            case PingStatus.ResolveFailed:
                Interlocked.Increment(ref _resolveFailed);
                break;
            default:
                Interlocked.Increment(ref _sendFailed);
                break;
        }
    }

    internal void RecordMissedRound() => Interlocked.Increment(ref _missedRounds);

    internal long RecordDroppedSample() => Interlocked.Increment(ref _droppedSamples);

    internal void RecordUnexpectedReply() => Interlocked.Increment(ref _unexpectedReplies);

    internal void RecordForeignMessage() => Interlocked.Increment(ref _foreignMessages);
}

/// <summary>
/// What a ping engine has done since it started. <see cref="Sent"/> counts requests on the wire;
/// <see cref="SendFailed"/> and <see cref="ResolveFailed"/> rounds sent nothing. <see cref="MissedRounds"/>
/// were skipped because the engine was stalled; <see cref="DroppedSamples"/> were measured but found the
/// sample channel full. <see cref="UnexpectedReplies"/> carried our identifier but matched no round in
/// flight (late after a timeout, duplicated, or from the wrong source); <see cref="ForeignMessages"/>
/// belonged to someone else's ping.
/// </summary>
public sealed record PingEngineStatsSnapshot(
    long Sent,
    long Received,
    long Timeouts,
    long Unreachable,
    long TtlExpired,
    long SendFailed,
    long ResolveFailed,
    long MissedRounds,
    long DroppedSamples,
    long UnexpectedReplies,
    long ForeignMessages,
    long LatenessSamples,
    TimeSpan LatenessP50,
    TimeSpan LatenessP99,
    TimeSpan LatenessMax);
