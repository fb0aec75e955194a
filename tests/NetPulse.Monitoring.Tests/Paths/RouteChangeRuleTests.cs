using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using static NetPulse.Monitoring.Tests.Paths.TestPaths;

namespace NetPulse.Monitoring.Tests.Paths;

public sealed class RouteChangeRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    private static List<StoredPath> Paths(params PathSnapshot[] snapshots) => [.. snapshots.Select(s => Stored(s))];

    [Fact]
    public void Three_snapshots_in_a_row_through_another_router_are_a_route_change_at_that_ttl()
    {
        var changes = RouteChangeRule.Find(Paths(
            Usual("gw", At(0), PathSnapshotReason.Baseline),
            Rerouted("gw", At(10), PathSnapshotReason.Trouble),
            Rerouted("gw", At(20), PathSnapshotReason.Trouble),
            Rerouted("gw", At(30), PathSnapshotReason.Trouble)));

        var change = Assert.Single(changes);
        Assert.Equal(new RouteHopChange(2, "10.200.2.1", "10.200.22.1"), Assert.Single(change.Hops));
        Assert.Equal(At(10), change.FirstSeenAt);
        Assert.Equal(At(30), change.ConfirmedAt);
        Assert.Equal(PathIds.Of(At(0)), change.BaselineId);
        Assert.Equal(PathIds.Of(At(30)), change.SnapshotId);
    }

    [Fact]
    public void Two_differing_snapshots_then_the_usual_route_are_no_change_and_the_count_starts_again()
    {
        var changes = RouteChangeRule.Find(Paths(
            Usual("gw", At(0), PathSnapshotReason.Baseline),
            Rerouted("gw", At(10), PathSnapshotReason.Trouble),
            Rerouted("gw", At(20), PathSnapshotReason.Trouble),
            Usual("gw", At(30), PathSnapshotReason.Trouble),
            Rerouted("gw", At(40), PathSnapshotReason.Trouble),
            Rerouted("gw", At(50), PathSnapshotReason.Trouble)));

        Assert.Empty(changes);
    }

    [Fact]
    public void Hourly_baselines_on_the_new_route_confirm_it_rather_than_becoming_the_reference()
    {
        var changes = RouteChangeRule.Find(Paths(
            Usual("gw", At(0), PathSnapshotReason.Baseline),
            Rerouted("gw", At(60), PathSnapshotReason.Baseline),
            Rerouted("gw", At(120), PathSnapshotReason.Baseline),
            Rerouted("gw", At(180), PathSnapshotReason.Baseline),
            Rerouted("gw", At(240), PathSnapshotReason.Baseline)));

        // One change, and the new route is the established one afterwards: the fourth is no second change.
        Assert.Equal(At(180), Assert.Single(changes).ConfirmedAt);
    }

    [Fact]
    public void A_ttl_that_did_not_answer_and_load_balanced_addresses_are_no_difference()
    {
        var baseline = Snapshot("gw", At(0), PathSnapshotReason.Baseline,
            Hop("10.200.1.1", 10), Hop("10.200.2.1", 10, "10.200.2.2"), Hop("10.200.3.1", 10));
        PathSnapshot Balanced(int minutes) => Snapshot("gw", At(minutes), PathSnapshotReason.Trouble,
            Hop(null, 0), Hop("10.200.2.2", 10, "10.200.2.1"), Hop("10.200.3.1", 10));

        Assert.Empty(RouteChangeRule.Differences(baseline, Balanced(1)));
        Assert.Empty(RouteChangeRule.Find(Paths(baseline, Balanced(10), Balanced(20), Balanced(30), Balanced(40))));
    }

    [Fact]
    public void Snapshots_before_the_first_baseline_have_nothing_to_differ_from()
    {
        Assert.Empty(RouteChangeRule.Find(Paths(
            Rerouted("gw", At(0), PathSnapshotReason.Trouble),
            Usual("gw", At(10), null),
            Rerouted("gw", At(20), PathSnapshotReason.Trouble),
            Usual("gw", At(30), PathSnapshotReason.Baseline),
            Rerouted("gw", At(40), PathSnapshotReason.Trouble),
            Rerouted("gw", At(50), PathSnapshotReason.Trouble))));
    }

    [Fact]
    public void The_number_in_a_row_is_a_parameter()
    {
        var paths = Paths(
            Usual("gw", At(0), PathSnapshotReason.Baseline),
            Rerouted("gw", At(10), PathSnapshotReason.Trouble),
            Rerouted("gw", At(20), PathSnapshotReason.Trouble));

        Assert.Empty(RouteChangeRule.Find(paths));
        Assert.Equal(At(20), Assert.Single(RouteChangeRule.Find(paths, consecutive: 2)).ConfirmedAt);
    }
}
