using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using static NetPulse.Monitoring.Tests.Paths.TestPaths;

namespace NetPulse.Monitoring.Tests.Paths;

public sealed class MtrReportTests
{
    /// <summary>
    /// Real output of <c>mtr --report -n -c 3 127.0.0.1</c> (mtr 0.95) on the build machine ("vm"), byte for byte: the
    /// layout the export must match column for column.
    /// </summary>
    private const string RealMtr =
        "Start: 2026-12-06T19:34:30+0000\n" +
        "HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev\n" +
        "  1.|-- 127.0.0.1                  0.0%     3    0.0   0.1   0.0   0.1   0.0\n";

    [Fact]
    public void A_snapshot_reads_exactly_as_mtr_wrote_the_same_figures()
    {
        var snapshot = new PathSnapshot
        {
            Target = "loopback",
            Destination = "127.0.0.1",
            StartedAt = new DateTimeOffset(2026, 12, 6, 19, 34, 30, TimeSpan.Zero),
            Cycles = 3,
            Reason = PathSnapshotReason.Manual,
            ReachedDestination = true,
            Hops =
            [
                new PathHop
                {
                    Ttl = 1, Address = "127.0.0.1", Sent = 3, Received = 3, LossPercent = 0,
                    LastMs = 0.02, AverageMs = 0.06, BestMs = 0.02, WorstMs = 0.11, StdDevMs = 0.04,
                },
            ],
        };

        Assert.Equal(RealMtr, MtrReport.Format(snapshot, "vm"));
    }

    [Fact]
    public void A_silent_hop_reads_as_mtr_writes_one_and_load_balanced_addresses_follow_their_hop()
    {
        var snapshot = Snapshot("gw", new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), PathSnapshotReason.Trouble,
            Hop("10.200.1.1", 10), Hop("10.200.2.1", 10, "10.200.2.2"), Hop(null, 0), Hop("10.200.4.1", 5));

        var lines = MtrReport.Format(snapshot, "home-1").Split('\n');

        Assert.Equal("HOST: home-1                      Loss%   Snt   Last   Avg  Best  Wrst StDev", lines[1]);
        Assert.Equal("  1.|-- 10.200.1.1                 0.0%    10    1.2   1.0   0.3   2.5   0.4", lines[2]);
        Assert.Equal("    |  `|-- 10.200.2.2", lines[4]);
        // mtr writes 100.0% into a column of six, and the next column cuts the "%".
        Assert.Equal("  3.|-- ???                       100.0    10    0.0   0.0   0.0   0.0   0.0", lines[5]);
        Assert.Equal("  4.|-- 10.200.4.1                50.0%    10    1.2   1.0   0.3   2.5   0.4", lines[6]);
    }
}
