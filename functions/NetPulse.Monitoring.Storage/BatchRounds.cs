namespace NetPulse.Monitoring.Storage;

/// <summary>Turns stored batches into one target's rounds: time order, one per slot.</summary>
internal static class BatchRounds
{
    /// <summary>
    /// The target's rounds across the batches. Two batches that claim the same slot (a probe restarted and
    /// numbered its batches again) are settled the same way in every reader: the higher sequence wins.
    /// </summary>
    public static IEnumerable<Sample> Of(IEnumerable<StoredBatch> batches, string targetName)
    {
        var bySlot = new SortedDictionary<DateTimeOffset, (long Sequence, int Value)>();
        foreach (var batch in batches)
        {
            foreach (var target in batch.Targets)
            {
                if (!string.Equals(target.Name, targetName, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var sample in target.Samples)
                {
                    if (!bySlot.TryGetValue(sample.Time, out var held) || held.Sequence < batch.Sequence)
                    {
                        bySlot[sample.Time] = (batch.Sequence, sample.Value);
                    }
                }
            }
        }

        return bySlot.Select(pair => new Sample(pair.Key, pair.Value.Value));
    }
}
