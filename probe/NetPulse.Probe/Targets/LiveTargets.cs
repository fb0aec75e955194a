namespace NetPulse.Probe.Targets;

/// <summary>
/// The target list the probe runs now, replaced without a restart when the targets file or the managed list changes.
/// The <c>PingWorker</c> restarts the engine on a new <see cref="TargetSet"/>; the batcher closes its open batch when
/// the first sample of a new generation arrives and then looks the new layout up here. Thread-safe.
/// </summary>
public sealed class LiveTargets
{
    /// <summary>How many recent lists stay known: samples of older ones still in the channel are dropped.</summary>
    private const int Remembered = 4;

    private readonly Lock _gate = new();
    private readonly List<TargetSet> _recent = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TargetSet _current;
    private TargetSource _source;

    public LiveTargets(IReadOnlyList<ProbeTarget> initial, TargetSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = new TargetSet(0, [.. initial.Select(t => t with { Generation = 0 })]);
        _recent.Add(_current);
        _source = source ?? TargetSource.LocalFile;
    }

    public TargetSet Current => Volatile.Read(ref _current);

    /// <summary>Where <see cref="Current"/> came from (and the managed list's version).</summary>
    public TargetSource Source => Volatile.Read(ref _source);

    /// <summary>
    /// Makes <paramref name="targets"/> the running list. When they are the targets running already (the same
    /// settings and timeouts in the same order) only <paramref name="source"/> changes and the engine runs on.
    /// </summary>
    /// <returns>The new set, or null when nothing the engine runs changed.</returns>
    public TargetSet? Publish(IReadOnlyList<ProbeTarget> targets, TargetSource source)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(source);
        TaskCompletionSource changed;
        TargetSet next;
        lock (_gate)
        {
            Volatile.Write(ref _source, source);
            if (Same(_current.Targets, targets))
            {
                return null;
            }

            var generation = _current.Generation + 1;
            next = new TargetSet(generation, [.. targets.Select(t => t with { Generation = generation })]);
            _recent.Add(next);
            if (_recent.Count > Remembered)
            {
                _recent.RemoveAt(0);
            }

            Volatile.Write(ref _current, next);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return next;
    }

    /// <summary>The set of <paramref name="generation"/> if it is recent enough to be known.</summary>
    public bool TryGet(int generation, out TargetSet set)
    {
        lock (_gate)
        {
            set = _recent.Find(s => s.Generation == generation)!;
            return set is not null;
        }
    }

    /// <summary>Completes once <see cref="Current"/> is no longer <paramref name="seen"/>.</summary>
    public Task WaitForChangeAsync(TargetSet seen, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ReferenceEquals(_current, seen) ? _changed.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    /// <summary>In words, what changed from <paramref name="before"/> to <paramref name="after"/> (by target name).</summary>
    public static string DescribeChange(TargetSet before, TargetSet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.Targets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var now = after.Targets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var added = now.Keys.Count(n => !old.ContainsKey(n));
        var removed = old.Keys.Count(n => !now.ContainsKey(n));
        var changed = now.Count(p => old.TryGetValue(p.Key, out var o) && !SameTarget(o, p.Value));
        return $"{after.Targets.Count} targets: {added} added, {removed} removed, {changed} changed";
    }

    private static bool Same(IReadOnlyList<ProbeTarget> a, IReadOnlyList<ProbeTarget> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!SameTarget(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameTarget(ProbeTarget a, ProbeTarget b) =>
        a.Settings.ToSettings() == b.Settings.ToSettings() && a.Timeout == b.Timeout;
}
