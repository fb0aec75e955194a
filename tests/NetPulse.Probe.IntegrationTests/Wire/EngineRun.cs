using System.Threading.Channels;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>
/// A ping engine running in the background while a test acts on the network, collecting every sample.
/// Disposing it stops the engine.
/// </summary>
internal sealed class EngineRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<PingSample> _channel = Channel.CreateUnbounded<PingSample>();
    private readonly List<PingSample> _samples = [];
    private readonly Task _engine;
    private readonly Task _reader;

    private EngineRun(IPingEngine engine, IReadOnlyList<ProbeTarget> targets)
    {
        _engine = Task.Run(() => engine.RunAsync(targets, _channel.Writer, _stop.Token));
        _reader = ReadAsync();
    }

    public static EngineRun Start(IPingEngine engine, IReadOnlyList<ProbeTarget> targets) => new(engine, targets);

    /// <summary>A target at an address, pinged once a second (the engines' fastest rate).</summary>
    public static ProbeTarget Target(int index, System.Net.IPAddress address, TimeSpan timeout) => new()
    {
        Index = index,
        Settings = new TargetSettings
        {
            Name = $"wire-{index}",
            Host = address.ToString(),
            IntervalMs = 1000,
        },
        Timeout = timeout,
    };

    /// <summary>Waits until the target has at least <paramref name="count"/> samples and returns them all, in schedule order.</summary>
    public async Task<IReadOnlyList<PingSample>> WaitForSamplesAsync(int targetIndex, int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var samples = SamplesOf(targetIndex);
            if (samples.Count >= count)
            {
                return samples;
            }

            if (_engine.IsCompleted)
            {
                await _engine; // surfaces the engine's failure
                throw new InvalidOperationException($"the engine stopped after {samples.Count} of {count} samples");
            }

            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"target {targetIndex} had {samples.Count} of {count} samples after {timeout.TotalSeconds} s");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _engine;
        }
        catch (OperationCanceledException)
        {
            // How an engine ends when told to stop.
        }
        finally
        {
            _channel.Writer.TryComplete();
            await _reader;
            _stop.Dispose();
        }
    }

    private List<PingSample> SamplesOf(int targetIndex)
    {
        lock (_samples)
        {
            return _samples.Where(s => s.TargetIndex == targetIndex).OrderBy(s => s.ScheduledAt).ToList();
        }
    }

    private async Task ReadAsync()
    {
        await foreach (var sample in _channel.Reader.ReadAllAsync())
        {
            lock (_samples)
            {
                _samples.Add(sample);
            }
        }
    }
}
