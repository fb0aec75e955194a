using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NetPulse.Contracts;
using NetPulse.Probe.Paths;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Paths;

/// <summary>
/// The path prober on a routed chain of namespaces (probe → r1 → r2 → r3 → dest), against <c>mtr --report -n</c> run
/// on the same chain at the same pace: a clean path, loss after r2, delay after r2, a router that sends no
/// time-exceeded, and IPv6.
/// </summary>
public sealed partial class PathProberChainTests(ITestOutputHelper output)
{
    private const int Cycles = 10;

    /// <summary>Fast, so a test takes seconds: the chain's routers answer without ICMP rate limit.</summary>
    private static readonly PathProbeOptions Fast = new()
    {
        Cycles = Cycles,
        MaxHops = 10,
        ProbesPerSecond = 50,
        CycleInterval = TimeSpan.FromMilliseconds(100),
        ReplyTimeout = TimeSpan.FromSeconds(1),
    };

    [MtrFact]
    public async Task A_clean_chain_lists_every_router_and_the_destination_without_loss_as_mtr_does()
    {
        await using var chain = await RouterChain.CreateAsync();

        var snapshot = await TraceAsync(chain, ipv6: false, Fast);
        var mtr = await MtrAsync(chain, ipv6: false, Cycles);

        Assert.True(snapshot.ReachedDestination);
        Assert.Equal(chain.ExpectedHops(ipv6: false).Select(a => a.ToString()), snapshot.Hops.Select(h => h.Address));
        Assert.All(snapshot.Hops, hop => Assert.Equal((Cycles, Cycles, 0.0), (hop.Sent, hop.Received, hop.LossPercent)));
        Assert.Equal(mtr.Select(h => (h.Address, h.LossPercent)), snapshot.Hops.Select(h => (h.Address ?? "???", h.LossPercent)));
        Assert.Null(PathAnalysis.FirstPersistentLossHop(snapshot));
        Assert.Empty(snapshot.Problems());
    }

    [MtrFact]
    public async Task Two_snapshots_at_once_each_count_only_their_own_answers()
    {
        // Every raw ICMP socket sees every answer: each snapshot must take only those about its own requests (its
        // identifier, its destination), or the one to r3 would count answers from the destination and vice versa.
        await using var chain = await RouterChain.CreateAsync();
        var hops = chain.ExpectedHops(ipv6: false).Select(a => a.ToString()).ToList();

        // A late destination keeps the first snapshot's last probes open while the other's answers go by.
        await using var responder = await DelayedEchoResponder.StartAsync(chain, TimeSpan.FromMilliseconds(50));

        var both = await Task.WhenAll(
            TraceAsync(chain, ipv6: false, Fast),
            TraceAsync(chain, ipv6: false, Fast with { Cycles = 7 }, IPAddress.Parse(hops[2])));

        Assert.Equal(hops, both[0].Hops.Select(h => h.Address));
        Assert.Equal(hops[..3], both[1].Hops.Select(h => h.Address));
        Assert.All(both[0].Hops, hop => Assert.Equal((Cycles, Cycles, null), (hop.Sent, hop.Received, hop.OtherAddresses)));
        Assert.All(both[1].Hops, hop => Assert.Equal((7, 7, null), (hop.Sent, hop.Received, hop.OtherAddresses)));
        Assert.True(both[0].ReachedDestination && both[1].ReachedDestination);
    }

    [MtrFact]
    public async Task Loss_on_the_link_after_r2_shows_from_r3_on_and_names_r3_as_mtr_sees_it()
    {
        await using var chain = await RouterChain.CreateAsync();
        // 50 % and 20 cycles: the chance that r3 or the destination shows no loss at all, in either tool, is about 4 in a million.
        const int cycles = 20;
        // This kernel has no netem (CONFIG_NET_SCH_NETEM unset): the loss is drawn by iptables instead, on r2's way to r3.
        await chain.RunOnRouterAsync(
            2,
            Tool("iptables", "iptables"),
            ["-A", "FORWARD", "-o", RouterChain.Downlink, "-p", "icmp", "--icmp-type", "echo-request", "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "DROP"]);

        var snapshot = await TraceAsync(chain, ipv6: false, Fast with { Cycles = cycles });
        var mtr = await MtrAsync(chain, ipv6: false, cycles);

        var hops = chain.ExpectedHops(ipv6: false).Select(a => a.ToString()).ToList();
        Assert.True(snapshot.ReachedDestination);
        Assert.Equal(hops, snapshot.Hops.Select(h => h.Address));
        Assert.All(snapshot.Hops, hop => Assert.Equal(cycles, hop.Sent));
        Assert.All(snapshot.Hops, hop => Assert.Equal(PathHop.Loss(hop.Sent, hop.Received), hop.LossPercent));
        Assert.Equal([0.0, 0.0], snapshot.Hops.Take(2).Select(h => h.LossPercent));
        Assert.All(snapshot.Hops.Skip(2), hop => Assert.InRange(hop.LossPercent, 5, 95));
        var finding = PathAnalysis.FirstPersistentLossHop(snapshot);
        Assert.Equal((3, hops[2]), (finding?.Ttl, finding?.Address));
        output.WriteLine(finding?.Explanation);

        // mtr on the same chain: loss starts at the same hop; its shares are as random as ours.
        Assert.Equal(hops, mtr.Select(h => h.Address));
        Assert.Equal([0.0, 0.0], mtr.Take(2).Select(h => h.LossPercent));
        Assert.All(mtr.Skip(2), hop => Assert.InRange(hop.LossPercent, 5, 95));
    }

    [MtrFact]
    public async Task A_late_destination_raises_the_round_trip_at_its_hop_only()
    {
        await using var chain = await RouterChain.CreateAsync();
        await using var responder = await DelayedEchoResponder.StartAsync(chain, TimeSpan.FromMilliseconds(50));

        var snapshot = await TraceAsync(chain, ipv6: false, Fast);
        var mtr = await MtrAsync(chain, ipv6: false, Cycles);

        Assert.True(snapshot.ReachedDestination);
        Assert.Equal(chain.ExpectedHops(ipv6: false).Select(a => a.ToString()), snapshot.Hops.Select(h => h.Address));
        Assert.All(snapshot.Hops, hop => Assert.Equal(0.0, hop.LossPercent));
        Assert.All(snapshot.Hops.SkipLast(1), hop => Assert.InRange(hop.WorstMs!.Value, 0, 25));
        Assert.InRange(snapshot.Hops[^1].BestMs!.Value, 49.5, 150);
        Assert.All(mtr.SkipLast(1), hop => Assert.InRange(hop.AverageMs, 0, 25));
        Assert.InRange(mtr[^1].AverageMs, 49.5, 150);
    }

    [MtrFact]
    public async Task A_router_that_sends_no_time_exceeded_is_a_silent_hop_and_the_destination_is_still_reached()
    {
        await using var chain = await RouterChain.CreateAsync();
        await chain.RunOnRouterAsync(2, Tool("iptables", "iptables"), ["-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP"]);

        var snapshot = await TraceAsync(chain, ipv6: false, Fast);
        var mtr = await MtrAsync(chain, ipv6: false, Cycles);

        var expected = chain.ExpectedHops(ipv6: false).Select(a => a.ToString()).ToList();
        expected[1] = null!;
        Assert.True(snapshot.ReachedDestination);
        Assert.Equal(expected, snapshot.Hops.Select(h => h.Address));
        Assert.Equal((Cycles, 0, 100.0), (snapshot.Hops[1].Sent, snapshot.Hops[1].Received, snapshot.Hops[1].LossPercent));
        Assert.All(snapshot.Hops.Where(h => h.Ttl != 2), hop => Assert.Equal(0.0, hop.LossPercent));
        Assert.Null(PathAnalysis.FirstPersistentLossHop(snapshot));
        Assert.Equal(snapshot.Hops.Select(h => (h.Address ?? "???", h.LossPercent)), mtr.Select(h => (h.Address, h.LossPercent)));
    }

    [MtrFact]
    public async Task A_dead_destination_ends_the_snapshot_one_silent_hop_after_the_last_router()
    {
        await using var chain = await RouterChain.CreateAsync();
        await chain.RunInDestinationAsync(Tool("iptables", "iptables"), ["-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"]);

        var snapshot = await TraceAsync(chain, ipv6: false, Fast);

        var routers = chain.ExpectedHops(ipv6: false).Take(3).Select(a => a.ToString());
        Assert.False(snapshot.ReachedDestination);
        Assert.Equal([.. routers, null], snapshot.Hops.Select(h => h.Address));
        Assert.Equal((Cycles, 0), (snapshot.Hops[3].Sent, snapshot.Hops[3].Received));
        Assert.Empty(snapshot.Problems());
        var finding = PathAnalysis.FirstPersistentLossHop(snapshot);
        Assert.Equal((4, null), (finding?.Ttl, finding?.Address));
        output.WriteLine(finding?.Explanation);
    }

    [MtrFact]
    public async Task An_ipv6_chain_lists_every_router_and_the_destination_as_mtr_does()
    {
        await using var chain = await RouterChain.CreateAsync();

        var snapshot = await TraceAsync(chain, ipv6: true, Fast);
        var mtr = await MtrAsync(chain, ipv6: true, Cycles);

        Assert.True(snapshot.ReachedDestination);
        Assert.Equal(chain.Destination(ipv6: true).ToString(), snapshot.Destination);
        Assert.Equal(chain.ExpectedHops(ipv6: true).Select(a => a.ToString()), snapshot.Hops.Select(h => h.Address));
        Assert.All(snapshot.Hops, hop => Assert.Equal((Cycles, Cycles, 0.0), (hop.Sent, hop.Received, hop.LossPercent)));
        Assert.Equal(mtr.Select(h => (h.Address, h.LossPercent)), snapshot.Hops.Select(h => (h.Address ?? "???", h.LossPercent)));
        Assert.Empty(snapshot.Problems());
    }

    private async Task<PathSnapshot> TraceAsync(RouterChain chain, bool ipv6, PathProbeOptions options, IPAddress? destination = null)
    {
        using var log = new TestLog(output);
        var prober = new PathProber(
            TimeProvider.System,
            log.CreateLogger("path"),
            family => chain.CreateSocketInProbe(family, SocketType.Raw, family == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var snapshot = await prober.TraceAsync("chain", destination ?? chain.Destination(ipv6), options, timeout.Token);
        output.WriteLine(PathReport.Format(snapshot, chain.ProbeNamespace));
        return snapshot;
    }

    /// <summary>mtr's report on the same chain at the same pace (root may go below one probe a second).</summary>
    private async Task<IReadOnlyList<MtrHop>> MtrAsync(RouterChain chain, bool ipv6, int cycles)
    {
        var mtr = Tool("mtr", "mtr-tiny");
        var result = await chain.RunInProbeAsync(
            mtr,
            [ipv6 ? "-6" : "-4", "--report", "--report-wide", "-n", "-c", cycles.ToString(CultureInfo.InvariantCulture), "-i", "0.1", "-G", "1", "-m", "10", chain.Destination(ipv6).ToString()]);
        output.WriteLine($"mtr (exit {result.ExitCode}):\n{result.StandardOutput}{result.StandardError}");
        Assert.Equal(0, result.ExitCode);
        return MtrLine().Matches(result.StandardOutput)
            .Select(m => new MtrHop(
                m.Groups["address"].Value,
                double.Parse(m.Groups["loss"].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups["avg"].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static string Tool(string name, string package) => NetworkEnvironment.RequireTool(name, package);

    //   1.|-- 10.200.240.2     0.0%    10    0.1   0.1   0.1   0.2   0.0
    [GeneratedRegex(@"^\s*\d+\.\|--\s+(?<address>\S+)\s+(?<loss>[\d.]+)%?\s+\d+\s+[\d.]+\s+(?<avg>[\d.]+)", RegexOptions.Multiline)]
    private static partial Regex MtrLine();

    private sealed record MtrHop(string Address, double LossPercent, double AverageMs);
}
