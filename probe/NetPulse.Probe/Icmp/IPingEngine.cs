using System.Threading.Channels;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Pings every target on its own schedule until cancelled and writes one <see cref="PingSample"/> per
/// round to <paramref name="samples"/>. Implementations: the raw-socket engine (one socket, one
/// scheduling thread) and the <c>System.Net.NetworkInformation.Ping</c> fallback.
/// </summary>
public interface IPingEngine
{
    /// <summary>A short name for logs and status ("raw-socket", "ping-class").</summary>
    string Name { get; }

    Task RunAsync(IReadOnlyList<ProbeTarget> targets, ChannelWriter<PingSample> samples, CancellationToken cancellationToken);
}
