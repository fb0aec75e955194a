using System.Collections.Concurrent;

namespace NetPulse.Probe.Sending;

/// <summary>
/// The spooled batches that closed as calm windows on the backend's minute grid, each with the backend tick it aims at:
/// the batcher notes them, the sender takes the note and puts such a batch on the calm queue when it can still arrive
/// before that tick. Kept in memory only: after a restart, or a send that failed once, a batch goes to the polled queue,
/// which never makes it later than it would have been without the calm queue.
/// </summary>
public sealed class CalmBatches
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _ticks = new();

    /// <summary>Batch <paramref name="sequence"/> closed calm, aiming at the backend's tick at <paramref name="tick"/> (this machine's clock).</summary>
    public void Note(long sequence, DateTimeOffset tick) => _ticks[sequence] = tick;

    /// <summary>The tick batch <paramref name="sequence"/> aims at, if it closed calm; the note is gone afterwards.</summary>
    public bool TryTake(long sequence, out DateTimeOffset tick) => _ticks.TryRemove(sequence, out tick);

    /// <summary>Forgets notes of batches that can no longer meet their tick (sent late, or never sent before a long outage).</summary>
    public void ForgetBefore(DateTimeOffset now)
    {
        foreach (var (sequence, tick) in _ticks)
        {
            if (tick < now)
            {
                _ticks.TryRemove(sequence, out _);
            }
        }
    }
}
