using NetPulse.Contracts;
using NetPulse.Probe.Cli;
using NetPulse.Probe.Paths;

namespace NetPulse.Probe.Tests.Paths;

/// <summary>The process-wide probe budget, the mtr report layout, and the <c>path</c> command's refusals.</summary>
public sealed class PathPacingAndReportTests
{
    [Fact]
    public void The_rate_limit_allows_a_burst_then_the_rate()
    {
        // 10 a second with a burst of 3, on a clock of 1,000 ticks a second.
        var limit = new ProbeRateLimit(10, 3, 1_000, now: 0);

        Assert.Equal([0L, 0, 0], [limit.TryTake(0), limit.TryTake(0), limit.TryTake(0)]);
        Assert.Equal(100, limit.TryTake(0));
        Assert.Equal(100, limit.TryTake(100));
        Assert.Equal(200, limit.TryTake(150));
    }

    [Fact]
    public void The_report_has_mtrs_columns_and_a_silent_hop_as_question_marks()
    {
        var snapshot = new PathSnapshot
        {
            Target = "gw",
            Destination = "10.200.243.2",
            StartedAt = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero),
            Cycles = 10,
            ReachedDestination = true,
            Hops =
            [
                new PathHop { Ttl = 1, Address = "10.200.240.2", Sent = 10, Received = 10, LossPercent = 0, LastMs = 0.1, BestMs = 0.05, AverageMs = 0.12, WorstMs = 0.3, StdDevMs = 0.02 },
                new PathHop { Ttl = 2, Sent = 10, Received = 0, LossPercent = 100 },
                new PathHop { Ttl = 3, Address = "10.200.243.2", Sent = 10, Received = 7, LossPercent = 30, LastMs = 50.8, BestMs = 50.1, AverageMs = 50.75, WorstMs = 51.8, StdDevMs = 0.6 },
            ],
        };

        var lines = PathReport.Format(snapshot, "lab").Split('\n');

        Assert.Equal("Start: 2026-12-06T08:00:00+0000", lines[0]);
        Assert.Equal("HOST: lab                                       Loss%   Snt   Last   Avg  Best  Wrst StDev", lines[1]);
        Assert.Equal("  1.|-- 10.200.240.2                             0.0%    10    0.1   0.1   0.1   0.3   0.0", lines[2]);
        Assert.Equal("  2.|-- ???                                    100.0%    10    0.0   0.0   0.0   0.0   0.0", lines[3]);
        Assert.Equal("  3.|-- 10.200.243.2                            30.0%    10   50.8  50.8  50.1  51.8   0.6", lines[4]);
        Assert.Equal(lines[1].IndexOf("Loss%", StringComparison.Ordinal) + 4, lines[2].IndexOf('%', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--cycles", "0", "cycles must be between 1 and 100")]
    [InlineData("--max-hops", "65", "max hops must be between 1 and 64")]
    public async Task The_path_command_refuses_bad_options_by_name(string option, string value, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ProbeCommandLine.Build(output, error).Parse(["path", "127.0.0.1", option, value]).InvokeAsync();

        Assert.Equal(2, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }
}
