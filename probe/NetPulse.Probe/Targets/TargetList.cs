using NetPulse.Contracts;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Targets;

/// <summary>Turns a validated target list (the targets file, or a centrally managed list) into the enabled targets the engine runs.</summary>
public static class TargetList
{
    public static IReadOnlyList<ProbeTarget> From(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return From(options.Targets.Select(t => t.ToManaged(options.IntervalSeconds)), options.TimeoutMs);
    }

    /// <summary>
    /// The enabled targets of <paramref name="targets"/>, numbered in order; a target without a timeout of its own has
    /// <paramref name="defaultTimeoutMs"/>, never more than its interval (a round ends before the next begins).
    /// </summary>
    public static IReadOnlyList<ProbeTarget> From(IEnumerable<ManagedTarget> targets, int defaultTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var enabled = new List<ProbeTarget>();
        foreach (var target in targets.Where(t => t.Enabled))
        {
            enabled.Add(new ProbeTarget
            {
                Index = enabled.Count,
                Settings = target.ToSettings(),
                Timeout = TimeSpan.FromMilliseconds(target.TimeoutMs ?? Math.Min(defaultTimeoutMs, target.IntervalMs)),
            });
        }

        return enabled;
    }
}
