using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Paths;

/// <summary>
/// When each baseline path snapshot is due: every <c>Probe:Paths:BaselineInterval</c> for the uplinks and the targets
/// named in <c>Probe:Paths:BaselineTargets</c>. The first ones come <see cref="FirstAfter"/> after a target joins (the
/// start, or a new target list), one <see cref="Spacing"/> apart in name order, so a probe with many uplinks never
/// traces them all in the same second; each keeps its own phase after that. Pure: fed the targets and the time.
/// </summary>
internal sealed class BaselinePlan
{
    /// <summary>Soon after start, but after the first rounds: the baseline is the normal path, seen early.</summary>
    public static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(30);

    /// <summary>The widest gap between two targets' first baselines: about a snapshot's length (10 cycles a second apart).</summary>
    public static readonly TimeSpan MaxSpacing = TimeSpan.FromSeconds(15);

    private readonly TimeSpan _interval;
    private readonly HashSet<string> _named;
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.OrdinalIgnoreCase);

    public BaselinePlan(TimeSpan interval, IEnumerable<string> baselineTargets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _interval = interval;
        _named = new HashSet<string>(baselineTargets.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>When the next baseline is due, or null when no target gets one.</summary>
    public DateTimeOffset? NextAt => _next.Count == 0 ? null : _next.Values.Min();

    public bool Wants(ProbeTarget target) => target.Settings.Uplink || _named.Contains(target.Name);

    /// <summary>The gap between first baselines for <paramref name="count"/> targets: they all fit in one interval.</summary>
    public TimeSpan Spacing(int count) => count <= 1 ? MaxSpacing : TimeSpan.FromTicks(Math.Min(MaxSpacing.Ticks, _interval.Ticks / count));

    /// <summary>
    /// The targets whose baseline is due at <paramref name="now"/>, each then scheduled an interval on; targets that left
    /// the list are forgotten, new ones scheduled.
    /// </summary>
    public IReadOnlyList<ProbeTarget> Due(IReadOnlyList<ProbeTarget> targets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var wanted = targets.Where(Wants).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var names = new HashSet<string>(wanted.Select(t => t.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var gone in _next.Keys.Where(name => !names.Contains(name)).ToList())
        {
            _next.Remove(gone);
        }

        var spacing = Spacing(wanted.Count);
        var newcomers = 0;
        foreach (var target in wanted.Where(t => !_next.ContainsKey(t.Name)))
        {
            _next[target.Name] = now + FirstAfter + (spacing * newcomers++);
        }

        var due = new List<ProbeTarget>();
        foreach (var target in wanted)
        {
            var at = _next[target.Name];
            if (at > now)
            {
                continue;
            }

            due.Add(target);

            // After a stall (a suspended machine) the next one is an interval from now, not a burst of catch-ups.
            var next = at + _interval;
            _next[target.Name] = next > now ? next : now + _interval;
        }

        return due;
    }
}
