using NetPulse.Contracts;

namespace NetPulse.Probe.Spool;

/// <summary>
/// A closed batch as it waits in the spool: its number, its window and the exact queue message body
/// (<see cref="PingBatchCodec"/> output) that will be sent, byte for byte.
/// </summary>
public sealed record SpooledBatch(long Sequence, DateTimeOffset WindowStart, ReadOnlyMemory<byte> Body)
{
    /// <summary>Checks and encodes <paramref name="batch"/>.</summary>
    /// <exception cref="InvalidPingBatchException">The batch breaks the contract or is too big for one message.</exception>
    public static SpooledBatch Encode(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new SpooledBatch(batch.Sequence, batch.WindowStart, PingBatchCodec.Encode(batch));
    }
}
