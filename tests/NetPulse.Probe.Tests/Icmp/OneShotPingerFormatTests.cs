using NetPulse.Contracts;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class OneShotPingerFormatTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(PingStatus.Timeout, "seq=2 timeout")]
    [InlineData(PingStatus.Unreachable, "seq=2 destination unreachable")]
    [InlineData(PingStatus.TtlExpired, "seq=2 time to live exceeded")]
    [InlineData(PingStatus.SendFailed, "seq=2 send failed")]
    public void A_failed_round_says_what_happened(PingStatus status, string expected) =>
        Assert.Equal(expected, OneShotPinger.DescribeRound("127.0.0.1", 2, Sample(status, null)));

    [Fact]
    public void A_reply_shows_its_source_sequence_and_time_in_milliseconds() =>
        Assert.Equal(
            "reply from 127.0.0.1: seq=1 time=0.052 ms",
            OneShotPinger.DescribeRound("127.0.0.1", 1, Sample(PingStatus.Ok, TimeSpan.FromMicroseconds(52))));

    [Fact]
    public void The_summary_counts_loss_and_rtt_extremes()
    {
        var summary = new OneShotPinger.RoundSummary();
        summary.Add(Sample(PingStatus.Ok, TimeSpan.FromMicroseconds(40)));
        summary.Add(Sample(PingStatus.Ok, TimeSpan.FromMicroseconds(80)));
        summary.Add(Sample(PingStatus.Timeout, null));
        summary.Add(Sample(PingStatus.Ok, TimeSpan.FromMicroseconds(60)));

        Assert.Equal("4 sent, 3 received, 25% loss, rtt min/avg/max = 0.040/0.060/0.080 ms", summary.Describe());
    }

    [Fact]
    public void A_summary_without_replies_has_no_rtt()
    {
        var summary = new OneShotPinger.RoundSummary();
        summary.Add(Sample(PingStatus.Timeout, null));
        summary.Add(Sample(PingStatus.Timeout, null));
        summary.Add(Sample(PingStatus.Unreachable, null));

        Assert.Equal("3 sent, 0 received, 100% loss", summary.Describe());
        Assert.Equal(0, summary.Received);
    }

    private static PingSample Sample(PingStatus status, TimeSpan? rtt) => new(0, At, status, rtt, TimeSpan.Zero);
}
