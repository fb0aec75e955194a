using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>Rules both engines apply the same way.</summary>
internal static class EngineRules
{
    /// <summary>How long a run waits for its DNS names before pinging; names still pending are ResolveFailed until they resolve.</summary>
    public static readonly TimeSpan InitialResolveWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(1);

    /// <summary>A reply can only count within its round's interval: the next round closes it anyway.</summary>
    public static TimeSpan EffectiveTimeout(TimeSpan configured, TimeSpan interval) =>
        configured < MinimumTimeout ? MinimumTimeout : configured > interval ? interval : configured;

    public static void WarnIfIntervalCapped(ProbeTarget target, TimeSpan used, ILogger logger)
    {
        if (used != target.Interval)
        {
            logger.LogWarning(
                "Target {Target} asks for an interval of {Interval}; pinging it every {Used} (at most one request per target per second)",
                target.Name,
                target.Interval,
                used);
        }
    }

    /// <summary>
    /// Each target's first due offset on its own grid (<see cref="PingSchedule.FirstDue"/>), so a restart keeps its phase;
    /// zero for a target that starts at once (<see cref="ProbeTarget.StartAtOnce"/>).
    /// </summary>
    public static TimeSpan[] FirstDue(IReadOnlyList<ProbeTarget> targets, IReadOnlyList<TimeSpan> intervals, DateTimeOffset startUtc)
    {
        var first = new TimeSpan[targets.Count];
        for (var slot = 0; slot < first.Length; slot++)
        {
            first[slot] = targets[slot].StartAtOnce ? TimeSpan.Zero : PingSchedule.FirstDue(targets[slot].Name, intervals[slot], startUtc);
        }

        return first;
    }

    public static void CheckTargets(IReadOnlyList<ProbeTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        for (var slot = 0; slot < targets.Count; slot++)
        {
            if (targets[slot] is null)
            {
                throw new ArgumentException($"Target {slot} is null.", nameof(targets));
            }
        }
    }
}
