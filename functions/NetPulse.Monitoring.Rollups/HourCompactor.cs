using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Rollups;

/// <summary>
/// Folds a probe's batches into one hour's entities per target: the 3,600 slots and the hour's rollup with its
/// 60 minutes. A pure function of the batches, so compacting an hour again gives the same entities.
/// </summary>
internal static class HourCompactor
{
    /// <summary>Rounds from <paramref name="hour"/> up to <paramref name="coveredUntil"/> (not included) go in.</summary>
    public static List<(HourSamplesEntity Samples, HourRollupEntity Rollup)> Build(
        string probeId, DateTimeOffset hour, DateTimeOffset coveredUntil, IEnumerable<StoredBatch> batches)
    {
        var slotsByTarget = new SortedDictionary<string, (HourSlots Slots, long[] Sequences)>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var target in batch.Targets)
            {
                foreach (var sample in target.Samples)
                {
                    if (sample.Time < hour || sample.Time >= coveredUntil)
                    {
                        continue;
                    }

                    if (!slotsByTarget.TryGetValue(target.Name, out var held))
                    {
                        held = (new HourSlots(hour), new long[HourSlots.Count]);
                        slotsByTarget.Add(target.Name, held);
                    }

                    // The same rule as every reader: of two batches claiming a slot, the higher sequence wins.
                    var slot = HourSlots.SlotOf(hour, sample.Time);
                    if (held.Slots[slot] == HourSlots.Empty || held.Sequences[slot] < batch.Sequence)
                    {
                        held.Slots[slot] = sample.Value;
                        held.Sequences[slot] = batch.Sequence;
                    }
                }
            }
        }

        var built = new List<(HourSamplesEntity, HourRollupEntity)>(slotsByTarget.Count);
        foreach (var (name, (slots, _)) in slotsByTarget)
        {
            var key = TableKeys.TargetKey(name);
            var statistics = SampleStatistics.Of(slots.Values);
            built.Add((
                new HourSamplesEntity
                {
                    PartitionKey = TableKeys.SamplePartition(probeId, hour),
                    RowKey = TableKeys.SampleRow(key, hour),
                    ProbeId = probeId,
                    TargetName = name,
                    Hour = hour,
                    CoveredUntil = coveredUntil,
                    SampleCount = statistics.Count,
                    Slots = slots.Pack(),
                },
                new HourRollupEntity
                {
                    PartitionKey = TableKeys.RollupPartition(probeId, hour),
                    RowKey = TableKeys.RollupRow(key, hour),
                    ProbeId = probeId,
                    TargetName = name,
                    Hour = hour,
                    CoveredUntil = coveredUntil,
                    Minutes = MinuteRollups.Pack(MinuteRollups.Compute(slots)),
                }.WithStatistics(statistics)));
        }

        return built;
    }
}
