using System.Net;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Logs a target's send failures when they start and when they end, not every round: with the network
/// down, a thousand targets would otherwise log a thousand lines a second. One writer per target at a time.
/// </summary>
internal sealed class SendFailureLog(IReadOnlyList<ProbeTarget> targets, ILogger logger)
{
    private readonly bool[] _failing = new bool[targets.Count];

    public void Failed(int slot, IPAddress address, string error)
    {
        if (_failing[slot])
        {
            return;
        }

        _failing[slot] = true;
        logger.LogWarning(
            "Cannot send to target {Target} ({Address}): {Error}; its rounds are SendFailed until it can",
            targets[slot].Name,
            address,
            error);
    }

    public void Succeeded(int slot)
    {
        if (!_failing[slot])
        {
            return;
        }

        _failing[slot] = false;
        logger.LogInformation("Sending to target {Target} works again", targets[slot].Name);
    }
}
