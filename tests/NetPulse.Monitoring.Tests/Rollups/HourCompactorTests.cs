using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Rollups;

public sealed class HourCompactorTests
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_hour_is_the_same_whatever_the_order_of_its_batches_and_a_slot_claimed_twice_goes_to_the_higher_sequence()
    {
        var batches = new[]
        {
            Batch(1, Hour.AddSeconds(-30), ("gw", 60, 5_000)),
            Batch(2, Hour.AddSeconds(50), ("gw", 20, 7_000), ("web", 5, -1)),
            Batch(7, Hour.AddSeconds(60), ("gw", 5, 9_000)),
            Batch(3, Hour.AddMinutes(59).AddSeconds(55), ("gw", 10, 6_000)),
        };

        var forward = HourCompactor.Build("home-1", Hour, Hour.AddHours(1), batches);
        var backward = HourCompactor.Build("home-1", Hour, Hour.AddHours(1), batches.Reverse());

        Assert.Equal(forward.Select(b => (b.Samples.RowKey, Convert.ToHexString(b.Samples.Slots))), backward.Select(b => (b.Samples.RowKey, Convert.ToHexString(b.Samples.Slots))));
        var gw = HourSlots.Unpack(Hour, forward.Single(b => b.Samples.TargetName == "gw").Samples.Slots);
        Assert.Equal(5_000, gw[0]);
        Assert.Equal(7_000, gw[59]);
        Assert.Equal(9_000, gw[60]);
        Assert.Equal(7_000, gw[69]);
        Assert.Equal(6_000, gw[3599]);
        Assert.Equal(HourSlots.Empty, gw[3594]);
        var rollup = forward.Single(b => b.Samples.TargetName == "gw").Rollup;
        Assert.Equal(gw.FilledCount, rollup.Count);
        Assert.Equal(0, rollup.LossPercent);
        Assert.Equal(100, forward.Single(b => b.Samples.TargetName == "web").Rollup.LossPercent);
    }

    [Fact]
    public void Rounds_after_the_covered_time_stay_out()
    {
        var built = HourCompactor.Build("home-1", Hour, Hour.AddMinutes(30), [Batch(1, Hour.AddMinutes(29).AddSeconds(50), ("gw", 20, 5_000))]);

        var entity = Assert.Single(built).Samples;
        Assert.Equal(10, entity.SampleCount);
        Assert.Equal(Hour.AddMinutes(30), entity.CoveredUntil);
    }

    private static StoredBatch Batch(long sequence, DateTimeOffset first, params (string Name, int Rounds, int Value)[] targets) => new()
    {
        ProbeId = "home-1",
        Sequence = sequence,
        WindowStart = first,
        FirstSampleAt = first,
        LastSampleAt = first.AddSeconds(targets.Max(t => t.Rounds) - 1),
        Targets = [.. targets.Select(t => new BatchTarget
        {
            Name = t.Name,
            IntervalMs = 1000,
            Samples = [.. Enumerable.Range(0, t.Rounds).Select(s => new Sample(first.AddSeconds(s), t.Value))],
        })],
    };
}
