namespace NetPulse.Monitoring.Storage;

/// <summary>
/// One lock per probe: the queue trigger runs several messages at once, and two batches of one probe must
/// not detect over each other's half-written state. Batches of different probes run in parallel.
/// </summary>
/// <remarks>
/// A probe's lock exists only while someone holds it or waits for it, so the locks an instance keeps are bounded by
/// the messages it runs at once, however many probes it has seen. (An LRU or a size-limited cache would bound them
/// too, but could drop a lock that is held, letting a second batch of the probe in.)
/// </remarks>
internal sealed class ProbeLocks
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Locks held or waited for now: what this instance keeps in memory.</summary>
    public int Count
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    public async Task<IDisposable> EnterAsync(string probeId, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(probeId, out gate!))
            {
                gate = new Gate();
                _gates.Add(probeId, gate);
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(probeId, gate);
            throw;
        }

        return new Release(this, probeId, gate);
    }

    private void Leave(string probeId, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(probeId);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the dictionary's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Release(ProbeLocks locks, string probeId, Gate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Semaphore.Release();
                locks.Leave(probeId, gate);
            }
        }
    }
}
