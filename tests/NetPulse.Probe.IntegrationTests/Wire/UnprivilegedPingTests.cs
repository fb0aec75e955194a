using NetPulse.Probe.Icmp;
using NetPulse.Probe.IntegrationTests.Crash;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>
/// The probe's own choice of ICMP path, made by an unprivileged process: the built <c>netpulse-probe ping</c> run as
/// user nobody (no capabilities, no groups) in a pinger namespace whose <c>net.ipv4.ping_group_range</c> the test
/// sets, pinging a target across a veth link. The root namespace's range is never touched.
/// </summary>
public sealed class UnprivilegedPingTests(ITestOutputHelper output)
{
    private const string OpenRange = "0 2147483647";
    private const string ClosedRange = "1 0";

    [RootFact]
    public async Task Where_the_range_is_open_an_unprivileged_probe_pings_through_a_datagram_socket_and_says_so()
    {
        await using var host = await NetworkNamespaceHost.CreateWithPingerNamespaceAsync();
        await host.SetPingGroupRangeAsync(OpenRange);

        var result = await PingAsNobodyAsync(host, hidePingUtility: false);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"through the {DatagramSocketPingEngine.EngineName} engine", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ICMP path: an unprivileged ICMP datagram socket, because a raw ICMP socket was refused", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2 sent, 2 received, 0% loss", result.StandardOutput, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Where_the_range_is_closed_an_unprivileged_probe_falls_back_to_the_ping_class_or_exits()
    {
        await using var host = await NetworkNamespaceHost.CreateWithPingerNamespaceAsync();
        await host.SetPingGroupRangeAsync(ClosedRange);

        var result = await PingAsNobodyAsync(host, hidePingUtility: false);

        if (IcmpPermissions.FindPingUtility() is null)
        {
            // A machine without a ping utility: the closed range leaves nothing, as in the test below.
            AssertNoPath(result);
            return;
        }

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"through the {PingClassPingEngine.EngineName} engine", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ICMP path: System.Net.NetworkInformation.Ping, because a raw ICMP socket was refused (AccessDenied) and so was an ICMP datagram socket", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2 sent, 2 received, 0% loss", result.StandardOutput, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task With_no_capability_no_open_range_and_no_ping_utility_the_probe_exits_saying_what_to_add()
    {
        await using var host = await NetworkNamespaceHost.CreateWithPingerNamespaceAsync();
        await host.SetPingGroupRangeAsync(ClosedRange);

        var result = await PingAsNobodyAsync(host, hidePingUtility: true);

        AssertNoPath(result);
    }

    private static void AssertNoPath(CommandResult result)
    {
        Assert.Equal(3, result.ExitCode);
        var message = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("netpulse-probe: cannot ping:", message, StringComparison.Ordinal);
        Assert.Contains("CAP_NET_RAW", message, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.ping_group_range", message, StringComparison.Ordinal);
        Assert.Contains("--cap-add NET_RAW", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PING ", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>netpulse-probe ping &lt;target&gt; -c 2</c> as nobody:nogroup in the pinger namespace. With
    /// <paramref name="hidePingUtility"/>, in a mount namespace of its own where every ping utility .NET would look for
    /// is /dev/null (not executable), as in a minimal container without one.
    /// </summary>
    private async Task<CommandResult> PingAsNobodyAsync(NetworkNamespaceHost host, bool hidePingUtility)
    {
        Assert.True(File.Exists(ProbeProcess.Executable), $"build the probe first: {ProbeProcess.Executable} is missing");
        var setpriv = NetworkEnvironment.RequireTool("setpriv", "util-linux");
        List<string> asNobody =
        [
            "/usr/bin/env", "HOME=/tmp",
            setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            ProbeProcess.Executable, "ping", host.TargetAddress.ToString(), "--count", "2", "--timeout", "500",
        ];

        CommandResult result;
        if (hidePingUtility)
        {
            var unshare = NetworkEnvironment.RequireTool("unshare", "util-linux");
            const string hide = "for p in /bin/ping /sbin/ping /usr/bin/ping; do if [ -e \"$p\" ]; then mount --bind /dev/null \"$p\" || exit 97; fi; done; exec \"$@\"";
            result = await host.RunInPingerAsync(unshare, ["--mount", "--propagation", "private", "/bin/sh", "-c", hide, "sh", .. asNobody]);
        }
        else
        {
            result = await host.RunInPingerAsync(asNobody[0], asNobody[1..]);
        }

        output.WriteLine($"exit {result.ExitCode}\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
        return result;
    }
}
