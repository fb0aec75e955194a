using System.Collections.Concurrent;
using NetPulse.Contracts;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Paths;

/// <summary>
/// A path tracer that records each call with the fake clock's time and answers a small snapshot, at once or when the
/// test releases it (<see cref="Hold"/>), or fails when told to.
/// </summary>
internal sealed class FakePathTracer(TimeProvider time) : IPathTracer
{
    private readonly ConcurrentQueue<(string Target, DateTimeOffset At)> _calls = new();
    private int _running;
    private int _mostAtOnce;

    /// <summary>When set, every trace waits until this completes.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>When set, every trace fails with this reason.</summary>
    public string? Failure { get; set; }

    public IReadOnlyList<(string Target, DateTimeOffset At)> Calls => [.. _calls];

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public static PathSnapshot Snapshot(string target, DateTimeOffset at, int hops = 3) => new()
    {
        Target = target,
        Destination = $"10.200.240.{hops}",
        StartedAt = at,
        Cycles = 10,
        ReachedDestination = true,
        Hops = [.. Enumerable.Range(1, hops).Select(ttl => new PathHop
        {
            Ttl = ttl,
            Address = $"10.200.240.{ttl}",
            Sent = 10,
            Received = 10,
            LossPercent = 0,
            LastMs = 1,
            BestMs = 1,
            AverageMs = 1,
            WorstMs = 1,
            StdDevMs = 0,
        })],
    };

    public async Task<PathSnapshot> TraceAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _mostAtOnce, running);
        try
        {
            _calls.Enqueue((target.Name, time.GetUtcNow()));
            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            return Failure is { } failure ? throw new PathTraceException(failure) : Snapshot(target.Name, time.GetUtcNow());
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Waits (on a signal, not a clock) until <paramref name="count"/> calls have been made in all.</summary>
    public async Task WaitForCallsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_calls.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {_calls.Count} of {count} traces started");
            await Task.Delay(5);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
