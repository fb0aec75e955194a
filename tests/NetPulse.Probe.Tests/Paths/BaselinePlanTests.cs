using NetPulse.Probe.Paths;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Batching;

namespace NetPulse.Probe.Tests.Paths;

public sealed class BaselinePlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Uplinks_and_named_targets_get_a_baseline_every_interval_and_the_others_never()
    {
        // target-0 is the uplink; target-2 is named; target-1 and target-3 are neither.
        var targets = TestTargets.Plain(4);
        var plan = new BaselinePlan(TimeSpan.FromHours(1), ["TARGET-2"]);

        var taken = Run(plan, targets, T0, TimeSpan.FromHours(3));

        Assert.Equal(["target-0", "target-2"], taken.Select(t => t.Target).Distinct().Order());
        foreach (var name in new[] { "target-0", "target-2" })
        {
            var times = taken.Where(t => t.Target == name).Select(t => t.At).ToList();
            Assert.Equal(3, times.Count);
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second - pair.First));
        }
    }

    [Fact]
    public void The_first_baselines_come_soon_after_start_and_spread_out_not_in_the_same_second()
    {
        var targets = Uplinks(6);
        var plan = new BaselinePlan(TimeSpan.FromHours(1), []);

        var first = Run(plan, targets, T0, TimeSpan.FromMinutes(5));

        Assert.Equal(6, first.Count);
        Assert.Equal(T0 + BaselinePlan.FirstAfter, first[0].At);
        Assert.Equal(6, first.Select(t => t.At).Distinct().Count());
        Assert.All(first.Zip(first.Skip(1)), pair => Assert.Equal(BaselinePlan.MaxSpacing, pair.Second.At - pair.First.At));
        Assert.True(first[^1].At - T0 < TimeSpan.FromMinutes(2), "the last first baseline comes within two minutes of the start");
    }

    [Fact]
    public void Many_uplinks_are_spread_over_one_interval_at_most()
    {
        // 300 in an hour: 12 s apart, closer than the usual 15 s, so the last comes before the first's second baseline.
        var targets = Uplinks(300);
        var plan = new BaselinePlan(TimeSpan.FromHours(1), []);

        var first = Run(plan, targets, T0, TimeSpan.FromHours(1) + BaselinePlan.FirstAfter, step: TimeSpan.FromSeconds(6));

        Assert.Equal(300, first.Select(t => t.Target).Distinct().Count());
        Assert.Equal(300, first.Select(t => t.At).Distinct().Count());
        Assert.Equal(T0 + BaselinePlan.FirstAfter + TimeSpan.FromSeconds(12 * 299), first.Max(t => t.At));
    }

    [Fact]
    public void A_target_that_joins_later_gets_its_first_baseline_soon_after_and_one_that_leaves_none_more()
    {
        var plan = new BaselinePlan(TimeSpan.FromHours(1), []);
        var one = Uplinks(1);
        Assert.Empty(plan.Due(one, T0));
        Assert.Single(plan.Due(one, T0 + BaselinePlan.FirstAfter));

        var joined = T0 + TimeSpan.FromMinutes(10);
        var two = Uplinks(2);
        Assert.Empty(plan.Due(two, joined));
        Assert.Equal(["uplink-1"], plan.Due(two, joined + BaselinePlan.FirstAfter).Select(t => t.Name));

        Assert.Empty(plan.Due([], joined + TimeSpan.FromHours(2)));
        Assert.Null(plan.NextAt);
    }

    /// <summary>Steps the plan second by second (or by <paramref name="step"/>) as the scheduler would wake for it; answers each baseline taken.</summary>
    private static List<(string Target, DateTimeOffset At)> Run(BaselinePlan plan, IReadOnlyList<ProbeTarget> targets, DateTimeOffset from, TimeSpan span, TimeSpan? step = null)
    {
        var taken = new List<(string, DateTimeOffset)>();
        for (var now = from; now < from + span; now += step ?? TimeSpan.FromSeconds(1))
        {
            taken.AddRange(plan.Due(targets, now).Select(t => (t.Name, now)));
        }

        return taken;
    }

    private static IReadOnlyList<ProbeTarget> Uplinks(int count) =>
        [.. TestTargets.Plain(count).Select(t => t with { Settings = t.Settings with { Name = $"uplink-{t.Index}", Uplink = true } })];
}
