using System.Net;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Logs a target's send failures when they start and when they end, not every round: with the network
/// down, a thousand targets would otherwise log a thousand lines a second. Thread-safe: the fallback engine
/// may finish two rounds of one target at once.
/// </summary>
internal sealed class SendFailureLog(IReadOnlyList<ProbeTarget> targets, ILogger logger)
{
    private readonly int[] _failing = new int[targets.Count];

    public void Failed(int slot, IPAddress address, string error)
    {
        if (Interlocked.Exchange(ref _failing[slot], 1) == 1)
        {
            return;
        }

        logger.LogWarning(
            "Cannot send to target {Target} ({Address}): {Error}; its rounds are SendFailed until it can",
            targets[slot].Name,
            address,
            error);
    }

    public void Succeeded(int slot)
    {
        if (Interlocked.Exchange(ref _failing[slot], 0) == 0)
        {
            return;
        }

        logger.LogInformation("Sending to target {Target} works again", targets[slot].Name);
    }
}
