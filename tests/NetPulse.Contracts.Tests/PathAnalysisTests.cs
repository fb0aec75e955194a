using NetPulse.Contracts;
using static NetPulse.Contracts.Tests.PathSnapshotTests;

namespace NetPulse.Contracts.Tests;

/// <summary>Where loss begins on a path, read the way a network engineer reads mtr.</summary>
public sealed class PathAnalysisTests
{
    [Fact]
    public void A_clean_path_has_no_finding()
    {
        var clean = Path(true, (10, 10), (10, 10), (10, 10), (10, 10));

        Assert.Null(PathAnalysis.FirstPersistentLossHop(clean));
    }

    [Fact]
    public void Loss_at_one_middle_hop_only_is_rate_limiting_not_a_fault()
    {
        var rateLimited = Path(true, (10, 10), (10, 4), (10, 10), (10, 10));

        Assert.Null(PathAnalysis.FirstPersistentLossHop(rateLimited));
    }

    [Fact]
    public void Loss_that_starts_at_a_hop_and_persists_names_that_hop()
    {
        var lossy = Path(true, (10, 10), (10, 10), (10, 6), (10, 5));

        var finding = PathAnalysis.FirstPersistentLossHop(lossy);

        Assert.NotNull(finding);
        Assert.Equal(3, finding.Ttl);
        Assert.Equal("10.200.3.2", finding.Address);
        Assert.Equal(40, finding.LossPercent);
        Assert.Contains("Loss starts at hop 3 (10.200.3.2, 40%) and persists to the destination (50%)", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_limiting_before_the_real_loss_does_not_move_the_finding()
    {
        // Hop 1 drops answers, hop 2 answers fully, then loss from hop 3 on: hop 1 is not the start.
        var both = Path(true, (10, 7), (10, 10), (10, 6), (10, 5));

        Assert.Equal(3, PathAnalysis.FirstPersistentLossHop(both)?.Ttl);
    }

    [Fact]
    public void A_silent_hop_is_passed_over()
    {
        // Hop 3 sends no time-exceeded at all; loss from hop 2 through the destination.
        var silent = Path(true, (10, 10), (10, 8), (10, 0), (10, 7));

        Assert.Equal(2, PathAnalysis.FirstPersistentLossHop(silent)?.Ttl);
    }

    [Fact]
    public void Loss_at_the_destination_alone_names_the_destination()
    {
        var finding = PathAnalysis.FirstPersistentLossHop(Path(true, (10, 10), (10, 10), (10, 10), (10, 9)));

        Assert.Equal(4, finding?.Ttl);
        Assert.StartsWith("Only the destination 10.200.4.2 loses (10%)", finding?.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreached_destination_names_the_hop_after_the_last_answer()
    {
        var broken = Path(false, (10, 10), (10, 10), (10, 0));

        var finding = PathAnalysis.FirstPersistentLossHop(broken);

        Assert.NotNull(finding);
        Assert.Equal(3, finding.Ttl);
        Assert.Null(finding.Address);
        Assert.Contains("hop 2 (10.200.2.2) is the last that answered", finding.Explanation, StringComparison.Ordinal);
    }

    private static PathSnapshot Path(bool reached, params (int Sent, int Received)[] counts)
    {
        var hops = counts.Select((c, i) => Hop(i + 1, c.Received == 0 ? null : $"10.200.{i + 1}.2", c.Sent, c.Received)).ToArray();
        var path = Snapshot() with { ReachedDestination = reached, Hops = hops, Destination = "10.200.4.2" };
        Assert.Empty(path.Problems());
        return path;
    }
}
