using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>Stored batches turned into each target's rounds for detection: time order, one per slot, with the thresholds of their batch.</summary>
internal static class ProbeRounds
{
    /// <remarks>Two batches claiming one slot are settled as <see cref="BatchRounds"/> settles them: the higher sequence wins.</remarks>
    public static Dictionary<string, List<Round>> Of(IEnumerable<StoredBatch> batches, DetectionOptions options, ISet<string>? targetNames = null)
    {
        var bySlot = new Dictionary<string, SortedDictionary<DateTimeOffset, (long Sequence, Round Round)>>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var target in batch.Targets)
            {
                if (targetNames is not null && !targetNames.Contains(target.Name))
                {
                    continue;
                }

                if (!bySlot.TryGetValue(target.Name, out var slots))
                {
                    slots = [];
                    bySlot.Add(target.Name, slots);
                }

                var latency = target.LatencyThresholdMs ?? options.LatencyThresholdMs;
                var loss = target.LossThresholdPercent ?? options.LossThresholdPercent;
                foreach (var sample in target.Samples)
                {
                    if (!slots.TryGetValue(sample.Time, out var held) || held.Sequence < batch.Sequence)
                    {
                        slots[sample.Time] = (batch.Sequence, new Round(sample.Time, sample.Value, target.IntervalMs, latency, loss));
                    }
                }
            }
        }

        return bySlot.ToDictionary(p => p.Key, p => p.Value.Values.Select(v => v.Round).ToList(), StringComparer.Ordinal);
    }
}
