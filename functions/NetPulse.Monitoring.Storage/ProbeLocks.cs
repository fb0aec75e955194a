using System.Collections.Concurrent;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// One lock per probe: the queue trigger runs several messages at once, and two batches of one probe must
/// not detect over each other's half-written state. Batches of different probes run in parallel.
/// </summary>
internal sealed class ProbeLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> EnterAsync(string probeId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(probeId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
