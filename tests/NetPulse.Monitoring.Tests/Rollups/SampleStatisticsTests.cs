using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Rollups;

/// <summary>The rollup figures against a brute-force reference that follows each definition literally.</summary>
public sealed class SampleStatisticsTests
{
    [Fact]
    public void Figures_match_the_definitions_over_random_rounds()
    {
        var random = new Random(20260302);
        for (var trial = 0; trial < 500; trial++)
        {
            var values = Enumerable.Range(0, random.Next(0, 400)).Select(_ => random.Next(10) switch
            {
                0 => -1 - random.Next(5),
                1 => HourSlots.Empty,
                _ => random.Next(100) == 0 ? random.Next(1_000_000, 60_000_000) : random.Next(0, 50_000),
            }).ToArray();

            var actual = SampleStatistics.Of(values);

            var rounds = values.Where(v => v != HourSlots.Empty).ToList();
            var rtts = rounds.Where(v => v >= 0).ToList();
            Assert.Equal(rounds.Count, actual.Count);
            Assert.Equal(rtts.Count, actual.Successes);
            if (rounds.Count == 0)
            {
                Assert.Null(actual.LossPercent);
            }
            else
            {
                Assert.Equal(100.0 * rounds.Count(v => v < 0) / rounds.Count, actual.LossPercent!.Value, 9);
            }

            if (rtts.Count == 0)
            {
                Assert.Null(actual.MinMs);
                Assert.Null(actual.P50Ms);
                Assert.Null(actual.JitterMs);
                continue;
            }

            Assert.Equal(rtts.Min() / 1000.0, actual.MinMs);
            Assert.Equal(rtts.Max() / 1000.0, actual.MaxMs);
            Assert.Equal(rtts.Average() / 1000.0, actual.AvgMs!.Value, 9);
            foreach (var (percent, figure) in new[] { (50.0, actual.P50Ms), (95.0, actual.P95Ms), (99.0, actual.P99Ms) })
            {
                // Nearest rank, literally: the smallest RTT with at least p % of all RTTs at or below it.
                var reference = rtts.Where(v => rtts.Count(w => w <= v) * 100.0 >= percent * rtts.Count).Min();
                Assert.Equal(reference / 1000.0, figure);
            }

            var jitter = rtts.Count < 2 ? (double?)null : rtts.Zip(rtts.Skip(1), (a, b) => Math.Abs((double)b - a)).Average() / 1000.0;
            Assert.Equal(jitter is null, actual.JitterMs is null);
            if (jitter is { } j)
            {
                Assert.Equal(j, actual.JitterMs!.Value, 9);
            }
        }
    }

    [Fact]
    public void A_hand_worked_example()
    {
        // RTTs 10, 20, 30, 40 ms around a timeout and an empty slot: jitter is |20-10|, |30-20|, |40-30| averaged.
        var statistics = SampleStatistics.Of([10_000, 20_000, -1, HourSlots.Empty, 30_000, 40_000]);

        Assert.Equal(5, statistics.Count);
        Assert.Equal(4, statistics.Successes);
        Assert.Equal(20, statistics.LossPercent);
        Assert.Equal(25, statistics.AvgMs);
        Assert.Equal(20, statistics.P50Ms);
        Assert.Equal(40, statistics.P95Ms);
        Assert.Equal(10, statistics.JitterMs);
    }

    [Fact]
    public void Minute_rollups_survive_their_packing()
    {
        var hour = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var slots = new HourSlots(hour);
        var random = new Random(7);
        for (var s = 0; s < HourSlots.Count; s += 1 + random.Next(3))
        {
            slots[s] = random.Next(8) == 0 ? -1 : random.Next(1_000, 400_000);
        }

        var minutes = MinuteRollups.Compute(slots);
        var unpacked = MinuteRollups.Unpack(MinuteRollups.Pack(minutes));

        Assert.Equal(minutes.Length, unpacked.Length);
        for (var m = 0; m < minutes.Length; m++)
        {
            Assert.Equal(minutes[m].Count, unpacked[m].Count);
            Assert.Equal(minutes[m].Successes, unpacked[m].Successes);
            Assert.Equal(minutes[m].P95Ms, unpacked[m].P95Ms);
            Assert.Equal(minutes[m].MaxMs, unpacked[m].MaxMs);
            Assert.InRange(unpacked[m].AvgMs!.Value - minutes[m].AvgMs!.Value, -0.001, 0.001);
        }
    }
}
