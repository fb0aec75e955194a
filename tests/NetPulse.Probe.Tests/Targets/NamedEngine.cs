using System.Threading.Channels;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>An engine that only has a name: the probe status reads nothing else of it.</summary>
internal sealed class NamedEngine : IPingEngine
{
    public string Name => "raw-socket";

    public PingEngineStats Stats { get; } = new(() => 0, 1);

    public Task RunAsync(IReadOnlyList<ProbeTarget> targets, ChannelWriter<PingSample> samples, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken);
}
