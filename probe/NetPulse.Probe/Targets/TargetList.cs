using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Targets;

/// <summary>Turns validated configuration into the enabled targets the engine runs, defaults applied.</summary>
public static class TargetList
{
    public static IReadOnlyList<ProbeTarget> From(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var targets = new List<ProbeTarget>();
        foreach (var target in options.Targets.Where(t => t.Enabled))
        {
            targets.Add(new ProbeTarget
            {
                Index = targets.Count,
                Settings = target.ToSettings(options.IntervalSeconds),
                Timeout = TimeSpan.FromMilliseconds(target.TimeoutMs ?? options.TimeoutMs),
            });
        }

        return targets;
    }
}
