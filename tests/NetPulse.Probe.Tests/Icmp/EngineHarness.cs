using System.Net;
using System.Threading.Channels;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// A ping engine running against real sockets while a test waits for samples. Disposing stops it and
/// rethrows anything it failed with.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<PingSample> _channel = Channel.CreateUnbounded<PingSample>();
    private readonly List<PingSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly Task _run;
    private readonly Task _reader;
    private (int Targets, int Count, TaskCompletionSource Done)? _waiter;

    private EngineHarness(IPingEngine engine, IReadOnlyList<ProbeTarget> targets)
    {
        Engine = engine;
        _run = Task.Run(() => engine.RunAsync(targets, _channel.Writer, _stop.Token));
        _reader = Task.Run(ReadAsync);
    }

    public IPingEngine Engine { get; }

    public static EngineHarness Start(IPingEngine engine, params string[] hosts) =>
        new(engine, [.. hosts.Select((host, index) => Target(index, host, TimeSpan.FromMilliseconds(500)))]);

    public static EngineHarness Start(IPingEngine engine, TimeSpan timeout, params IPAddress[] addresses) =>
        new(engine, [.. addresses.Select((address, index) => Target(index, address.ToString(), timeout))]);

    /// <summary>Waits until every target has at least <paramref name="count"/> samples; returns each target's, in schedule order.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<PingSample>>> WaitForSamplesAsync(int targetCount, int count)
    {
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiter = (targetCount, count, enough);
            CheckWaiter();
        }

        // A healthy engine gives a sample per target per second; allow a few seconds more for DNS and start-up.
        var limit = Interval * (count + 8);
        Task finished;
        try
        {
            finished = await Task.WhenAny(enough.Task, _run).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            var counts = string.Join(", ", SamplesByTarget(targetCount).Select(s => s.Count));
            throw new TimeoutException($"Samples per target after {limit.TotalSeconds} s: {counts}; wanted {count}.");
        }

        if (finished == _run)
        {
            await _run;
            throw new InvalidOperationException("The engine stopped on its own.");
        }

        return SamplesByTarget(targetCount);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // How an engine ends when told to.
        }
        finally
        {
            _channel.Writer.TryComplete();
            await _reader;
            _stop.Dispose();
        }
    }

    private static ProbeTarget Target(int index, string host, TimeSpan timeout) => new()
    {
        Index = index,
        Settings = new TargetSettings
        {
            Name = $"target-{index}",
            Host = host,
            IntervalMs = (int)Interval.TotalMilliseconds,
        },
        Timeout = timeout,
    };

    private List<IReadOnlyList<PingSample>> SamplesByTarget(int targetCount)
    {
        lock (_gate)
        {
            return [.. Enumerable.Range(0, targetCount).Select(i => (IReadOnlyList<PingSample>)[.. _samples.Where(s => s.TargetIndex == i).OrderBy(s => s.ScheduledAt)])];
        }
    }

    private void CheckWaiter()
    {
        if (_waiter is { } waiter && SamplesByTarget(waiter.Targets).All(samples => samples.Count >= waiter.Count))
        {
            waiter.Done.TrySetResult();
            _waiter = null;
        }
    }

    private async Task ReadAsync()
    {
        await foreach (var sample in _channel.Reader.ReadAllAsync())
        {
            lock (_gate)
            {
                _samples.Add(sample);
                CheckWaiter();
            }
        }
    }
}
