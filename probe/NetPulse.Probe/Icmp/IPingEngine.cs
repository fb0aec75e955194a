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

    /// <summary>Counters and send lateness since the engine was created; readable from any thread.</summary>
    PingEngineStats Stats { get; }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires, then throws <see cref="OperationCanceledException"/>.
    /// Samples are offered with <c>TryWrite</c> (a full channel drops and counts them, see <see cref="PingEngineStats"/>);
    /// the writer is not completed: its owner completes it after this returns.
    /// </summary>
    Task RunAsync(IReadOnlyList<ProbeTarget> targets, ChannelWriter<PingSample> samples, CancellationToken cancellationToken);
}
