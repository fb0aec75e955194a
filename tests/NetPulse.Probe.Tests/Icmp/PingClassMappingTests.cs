using System.Net.NetworkInformation;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class PingClassMappingTests
{
    [Theory]
    [InlineData(IPStatus.Success, PingStatus.Ok)]
    [InlineData(IPStatus.TimedOut, PingStatus.Timeout)]
    [InlineData(IPStatus.DestinationHostUnreachable, PingStatus.Unreachable)]
    [InlineData(IPStatus.DestinationNetworkUnreachable, PingStatus.Unreachable)]
    [InlineData(IPStatus.DestinationUnreachable, PingStatus.Unreachable)]
    [InlineData(IPStatus.DestinationPortUnreachable, PingStatus.Unreachable)]
    [InlineData(IPStatus.DestinationProtocolUnreachable, PingStatus.Unreachable)]
    [InlineData(IPStatus.TtlExpired, PingStatus.TtlExpired)]
    [InlineData(IPStatus.TimeExceeded, PingStatus.TtlExpired)]
    [InlineData(IPStatus.TtlReassemblyTimeExceeded, PingStatus.TtlExpired)]
    [InlineData(IPStatus.NoResources, PingStatus.SendFailed)]
    [InlineData(IPStatus.PacketTooBig, PingStatus.SendFailed)]
    [InlineData(IPStatus.Unknown, PingStatus.SendFailed)]
    public void Ip_status_maps_to_the_probes_status(IPStatus status, PingStatus expected) =>
        Assert.Equal(expected, PingClassPingEngine.ToPingStatus(status));

    [Theory]
    [InlineData(0, 0.3, 0.3)]
    [InlineData(0, 7.5, 1.0)]
    [InlineData(20, 20.4, 20.4)]
    [InlineData(20, 35.0, 21.0)]
    public void The_finer_stopwatch_rtt_is_kept_unless_the_reported_milliseconds_rule_it_out(
        long reportedMilliseconds, double measuredMilliseconds, double expectedMilliseconds)
    {
        var rtt = PingClassPingEngine.EstimateRtt(reportedMilliseconds, TimeSpan.FromMilliseconds(measuredMilliseconds));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), rtt);
    }
}
