namespace NetPulse.Probe.Spool;

/// <summary>How far behind the probe's uploads are: what waits in the spool and when a batch last got through.</summary>
public sealed record SpoolStatus
{
    /// <summary>Batches waiting to be sent.</summary>
    public required int BatchCount { get; init; }

    /// <summary>Bytes those batches take on disk.</summary>
    public required long Bytes { get; init; }

    /// <summary>The oldest batch waiting, or null when the spool is empty.</summary>
    public long? OldestSequence { get; init; }

    /// <summary>Where the oldest waiting batch's samples begin: how stale the dashboard is at worst.</summary>
    public DateTimeOffset? OldestWindowStart { get; init; }

    public long? LastSentSequence { get; init; }

    /// <summary>When the queue last accepted a batch, or null when none has been sent from this spool.</summary>
    public DateTimeOffset? LastSentAt { get; init; }

    /// <summary>The number the next batch will get.</summary>
    public required long NextSequence { get; init; }

    /// <summary>Unreadable batch files set aside in the spool's <c>corrupt</c> folder.</summary>
    public int CorruptCount { get; init; }

    /// <summary>Batches the queue refused for good, set aside in the spool's <c>rejected</c> folder.</summary>
    public int RejectedCount { get; init; }
}
