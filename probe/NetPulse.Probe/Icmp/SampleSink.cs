using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Turns a finished round into a <see cref="PingSample"/> and offers it to the bounded sample channel.
/// </summary>
/// <remarks>
/// A full channel drops the sample (counted, and logged at most every <see cref="DropLogInterval"/>)
/// rather than blocking. The scheduler must never wait on the consumer: a blocked scheduler sends every
/// target's next request late and leaves replies queued in the socket, so the RTTs and lateness it measures
/// afterwards would be wrong too. The consumer drains far faster than any probe pings, so a full channel
/// means it is stuck, and a counted, bounded loss is the honest outcome. Thread-safe.
/// </remarks>
internal sealed class SampleSink
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<ProbeTarget> _targets;
    private readonly ChannelWriter<PingSample> _writer;
    private readonly PingEngineStats _stats;
    private readonly ILogger _logger;
    private readonly WallClockAnchor _anchor;
    private readonly Func<long> _clock;
    private readonly long _dropLogIntervalTimestamps;
    private long _lastDropLog = long.MinValue;

    /// <param name="anchor">The UTC time of the schedule's start: a round's <see cref="PingSample.ScheduledAt"/> is its current value plus the round's due offset.</param>
    public SampleSink(
        IReadOnlyList<ProbeTarget> targets,
        ChannelWriter<PingSample> writer,
        PingEngineStats stats,
        ILogger logger,
        WallClockAnchor anchor,
        Func<long> clock,
        long timestampFrequency)
    {
        _targets = targets;
        _writer = writer;
        _stats = stats;
        _logger = logger;
        _anchor = anchor;
        _clock = clock;
        _dropLogIntervalTimestamps = (long)(DropLogInterval.TotalSeconds * timestampFrequency);
    }

    public void Write(int slot, TimeSpan dueOffset, PingStatus status, TimeSpan? rtt, TimeSpan lateness)
    {
        _stats.RecordOutcome(status);
        // Stamped when it finishes, from the anchor of that moment: a round in flight across a clock step gets the
        // corrected time, and the channel sees the epochs in order (but for a race of the fallback's reply threads).
        var anchor = _anchor.Current;
        var target = _targets[slot];
        var sample = new PingSample(target.Index, anchor.StartUtc + dueOffset, status, rtt, lateness) { ClockEpoch = anchor.Epoch, TargetGeneration = target.Generation };
        if (_writer.TryWrite(sample))
        {
            return;
        }

        var dropped = _stats.RecordDroppedSample();
        var now = _clock();
        var last = Interlocked.Read(ref _lastDropLog);
        if ((last == long.MinValue || now - last >= _dropLogIntervalTimestamps)
            && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            _logger.LogWarning(
                "The sample channel is full: {Dropped} samples dropped since start; is the batcher stuck?",
                dropped);
        }
    }
}
