using NetPulse.Contracts;

namespace NetPulse.Probe.Paths;

/// <summary>
/// Finished path snapshots waiting for a batch: written by the snapshot runs (any thread), read by the batcher alone,
/// oldest first. Bounded: when full, the oldest gives way (a newer look at the path is the better evidence), and the
/// count of those dropped is kept for the log. Snapshots here are in memory only: a stop loses them; once in a closed
/// batch they are spooled with it.
/// </summary>
public sealed class FinishedPathSnapshots
{
    /// <summary>Eight batches' worth: far more than trouble on a handful of targets at once produces before the next batch.</summary>
    public const int DefaultCapacity = 64;

    private readonly Lock _gate = new();
    private readonly Queue<PathSnapshot> _waiting = new();
    private readonly int _capacity;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dropped;

    public FinishedPathSnapshots(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Adds a finished snapshot; when the queue is full the oldest waiting one is dropped for it.</summary>
    public void Add(PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        TaskCompletionSource arrived;
        lock (_gate)
        {
            if (_waiting.Count >= _capacity)
            {
                _waiting.Dequeue();
                _dropped++;
            }

            _waiting.Enqueue(snapshot);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    /// <summary>The oldest waiting snapshot, left in the queue.</summary>
    public bool TryPeek(out PathSnapshot snapshot)
    {
        lock (_gate)
        {
            return _waiting.TryPeek(out snapshot!);
        }
    }

    /// <summary>Takes the oldest waiting snapshot (the one <see cref="TryPeek"/> answered: there is one reader).</summary>
    public bool TryTake(out PathSnapshot snapshot)
    {
        lock (_gate)
        {
            return _waiting.TryDequeue(out snapshot!);
        }
    }

    /// <summary>
    /// Completes when a snapshot is added after this call (the batcher waits on it beside its samples). Snapshots waiting
    /// already do not complete it: they wait for room in a batch, which only a close makes.
    /// </summary>
    public Task WaitForArrivalAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _arrived.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>How many snapshots were dropped unsent because the queue was full, since the last call.</summary>
    public int TakeDroppedCount()
    {
        lock (_gate)
        {
            var dropped = _dropped;
            _dropped = 0;
            return dropped;
        }
    }
}
