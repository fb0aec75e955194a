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
    private readonly DateTimeOffset _anchorUtc;
    private readonly Func<long> _clock;
    private readonly long _dropLogIntervalTimestamps;
    private long _lastDropLog = long.MinValue;

    /// <param name="anchorUtc">The UTC time at the schedule's start: a round's <see cref="PingSample.ScheduledAt"/> is this plus its due offset.</param>
    public SampleSink(
        IReadOnlyList<ProbeTarget> targets,
        ChannelWriter<PingSample> writer,
        PingEngineStats stats,
        ILogger logger,
        DateTimeOffset anchorUtc,
        Func<long> clock,
        long timestampFrequency)
    {
        _targets = targets;
        _writer = writer;
        _stats = stats;
        _logger = logger;
        _anchorUtc = anchorUtc;
        _clock = clock;
        _dropLogIntervalTimestamps = (long)(DropLogInterval.TotalSeconds * timestampFrequency);
    }

    public void Write(int slot, TimeSpan dueOffset, PingStatus status, TimeSpan? rtt, TimeSpan lateness)
    {
        _stats.RecordOutcome(status);
        var sample = new PingSample(_targets[slot].Index, _anchorUtc + dueOffset, status, rtt, lateness);
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
