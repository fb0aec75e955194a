using System.Globalization;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>
/// The namespace and responder fixtures against fping: what a reference pinger sees on the wire is
/// what the fixtures were told to produce, so the engine tests can trust them.
/// </summary>
[Collection(WireTiming.Name)]
public sealed class IcmpResponderTests(ITestOutputHelper output)
{
    // Generous: on a loaded 2-core CI box a 20 ms reply can be scheduled tens of ms late, and a reply
    // that misses fping's timeout would look like loss the fixture never made.
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(240);

    [FpingFact]
    public async Task Fping_sees_the_delay_set_for_each_address()
    {
        await using var host = await NetworkNamespaceHost.CreateAsync(targetCount: 2);
        await using var responder = await IcmpResponder.StartAsync(host);
        var slow = host.TargetAddresses[0];
        var fast = host.TargetAddresses[1];
        responder.Configure(slow, EchoBehavior.After(TimeSpan.FromMilliseconds(20)));
        responder.Configure(fast, EchoBehavior.After(TimeSpan.FromMilliseconds(5)));

        var rounds = await Fping.PingAsync([slow, fast], count: 20, Period, Timeout);

        var slowMedian = RoundTrips.MedianMilliseconds(rounds[slow]);
        var fastMedian = RoundTrips.MedianMilliseconds(rounds[fast]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fping median: {slow} {slowMedian:F3} ms, {fast} {fastMedian:F3} ms"));

        // The kernel answering as well would show up as a median of ~0.05 ms: its reply comes first.
        Assert.All(rounds[slow].Concat(rounds[fast]), rtt => Assert.NotNull(rtt));
        // Never early; late by at most 2 ms, which a loaded 2-core machine can add to a sleeping responder.
        // Both addresses are late alike, so their difference holds to a millisecond.
        Assert.InRange(slowMedian, 20.0, 22.0);
        Assert.InRange(fastMedian, 5.0, 7.0);
        Assert.InRange(slowMedian - fastMedian, 14.0, 16.0);
        Assert.Equal(new EchoCounts(20, 20, 0), responder.CountsFor(slow));
        Assert.Equal(new EchoCounts(20, 20, 0), responder.CountsFor(fast));
    }

    [FpingFact]
    public async Task A_loss_share_drops_exactly_every_kth_request()
    {
        await using var host = await NetworkNamespaceHost.CreateAsync();
        await using var responder = await IcmpResponder.StartAsync(host, EchoBehavior.After(TimeSpan.FromMilliseconds(2), lossShare: 0.2));

        var rounds = (await Fping.PingAsync([host.TargetAddress], count: 20, Period, Timeout))[host.TargetAddress];

        var lost = rounds.Select((rtt, index) => (rtt, round: index + 1)).Where(r => r.rtt is null).Select(r => r.round);
        Assert.Equal([5, 10, 15, 20], lost);
        Assert.Equal(new EchoCounts(20, 16, 4), responder.CountsFor(host.TargetAddress));
    }

    [FpingFact]
    public async Task Taking_the_link_down_cuts_every_target_and_bringing_it_up_restores_them()
    {
        await using var host = await NetworkNamespaceHost.CreateAsync(targetCount: 3);
        var ip = NetworkEnvironment.RequireTool("ip", "iproute2");

        var before = await Fping.PingAsync(host.TargetAddresses, count: 3, Period, Timeout);
        await host.TakeLinkDownAsync();
        var during = await Fping.PingAsync(host.TargetAddresses, count: 3, Period, Timeout);

        // The pings must die on the cut link, never leave through the default route.
        var route = await ExternalCommand.RunCheckedAsync(ip, ["route", "get", host.TargetAddress.ToString()]);
        await host.BringLinkUpAsync();
        var after = await Fping.PingAsync(host.TargetAddresses, count: 3, Period, Timeout);

        Assert.All(before.Values.SelectMany(r => r), rtt => Assert.NotNull(rtt));
        Assert.All(during.Values.SelectMany(r => r), rtt => Assert.Null(rtt));
        Assert.Contains($"dev {host.HostInterface} ", route.StandardOutput, StringComparison.Ordinal);
        Assert.All(after.Values.SelectMany(r => r), rtt => Assert.NotNull(rtt));
    }

    [RootFact]
    public async Task Disposing_removes_the_namespace_and_its_link()
    {
        var host = await NetworkNamespaceHost.CreateAsync();
        Assert.True(Directory.Exists($"/sys/class/net/{host.HostInterface}"));

        await host.DisposeAsync();

        Assert.False(File.Exists($"/run/netns/{host.Name}"));
        Assert.False(Directory.Exists($"/sys/class/net/{host.HostInterface}"));
    }

    [RootFact]
    public async Task Leftovers_of_a_crashed_run_are_removed_and_those_of_live_runs_kept()
    {
        var ip = NetworkEnvironment.RequireTool("ip", "iproute2");

        // Above pid_max (4,194,304 at most), so no live process can own this name.
        const string Leftover = "netpulse-9999999-0";
        await ExternalCommand.RunCheckedAsync(ip, ["netns", "add", Leftover]);
        try
        {
            await using var live = await NetworkNamespaceHost.CreateAsync();

            await NetworkNamespaceHost.RemoveLeftoversAsync();

            Assert.False(File.Exists($"/run/netns/{Leftover}"));
            Assert.True(File.Exists($"/run/netns/{live.Name}"));
        }
        finally
        {
            await ExternalCommand.RunAsync(ip, ["netns", "del", Leftover]);
        }
    }
}
