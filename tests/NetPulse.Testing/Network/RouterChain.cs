using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NetPulse.Testing.Network;

/// <summary>
/// A routed path made of network namespaces: probe → r1 → … → rN → dest, each link a veth pair, the routers forwarding
/// IPv4 and IPv6 and answering TTL-expired probes without rate limit, so a path tracer sees every router as a hop. Link k
/// (from 0, probe side first) is 10.200.(240+k).0/24 and fd00:200:0:k::/64, the left end .1 / ::1, the right end .2 / ::2.
/// Every address lives inside these namespaces, none in the root namespace, so two chains (or another engineer's
/// namespaces using the same addresses) never meet. Needs root; guard tests with <see cref="RootFactAttribute"/>.
/// </summary>
/// <remarks>
/// In each namespace the interface towards the probe is <c>toprobe</c> and the one towards the destination <c>todest</c>:
/// <c>tc qdisc add dev todest …</c> on router k acts on the link after it.
/// </remarks>
public sealed partial class RouterChain : IAsyncDisposable
{
    public const string Uplink = "toprobe";
    public const string Downlink = "todest";

    private const string Prefix = "npp";
    private static int s_instances;

    private readonly string _ip;
    private readonly string[] _namespaces;
    private bool _disposed;

    private RouterChain(string ip, int routers)
    {
        _ip = ip;
        var id = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref s_instances)}");
        _namespaces = [$"{id}-probe", .. Enumerable.Range(1, routers).Select(r => string.Create(CultureInfo.InvariantCulture, $"{id}-r{r}")), $"{id}-dest"];
        Routers = routers;
    }

    public int Routers { get; }

    /// <summary>The namespace the tracer runs in.</summary>
    public string ProbeNamespace => _namespaces[0];

    /// <summary>Router <paramref name="router"/>'s namespace (1 = next to the probe).</summary>
    public string RouterNamespace(int router) => _namespaces[router];

    /// <summary>The destination's address, the far end of the last link.</summary>
    public IPAddress Destination(bool ipv6) => Address(Routers, right: true, ipv6);

    /// <summary>
    /// What a path tracer should see, hop by hop: each router's address on the link towards the probe (the address
    /// Linux sends its time-exceeded from), then the destination.
    /// </summary>
    public IReadOnlyList<IPAddress> ExpectedHops(bool ipv6) =>
        [.. Enumerable.Range(0, Routers + 1).Select(link => Address(link, right: true, ipv6))];

    public static async Task<RouterChain> CreateAsync(int routers = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(routers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(routers, 8);
        var ip = NetworkEnvironment.RequireTool("ip", "iproute2");
        await RemoveLeftoversAsync(ip, cancellationToken);
        var chain = new RouterChain(ip, routers);
        try
        {
            await chain.BuildAsync(cancellationToken);
        }
        catch
        {
            await chain.DisposeAsync();
            throw;
        }

        return chain;
    }

    /// <summary>Runs <paramref name="action"/> on a thread inside the probe's namespace: sockets it makes stay there.</summary>
    public T RunInProbe<T>(Func<T> action) => NamespaceThread.Run(ProbeNamespace, action);

    /// <summary>Runs a tool inside the probe's namespace; the result, whatever the exit code.</summary>
    public Task<CommandResult> RunInProbeAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ExternalCommand.RunAsync(_ip, ["netns", "exec", ProbeNamespace, fileName, .. arguments], cancellationToken: cancellationToken);

    /// <summary>Runs a tool (tc, iptables) inside router <paramref name="router"/>'s namespace and throws if it fails.</summary>
    public Task<CommandResult> RunOnRouterAsync(int router, string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ExternalCommand.RunCheckedAsync(_ip, ["netns", "exec", RouterNamespace(router), fileName, .. arguments], cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Deleting a namespace deletes the veth ends inside it, and with each its peer.
        foreach (var name in _namespaces)
        {
            await ExternalCommand.RunAsync(_ip, ["netns", "del", name]);
        }
    }

    public override string ToString() => $"{string.Join(" -> ", _namespaces)} ({string.Join(", ", ExpectedHops(ipv6: false))})";

    private static IPAddress Address(int link, bool right, bool ipv6) =>
        ipv6
            ? IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"fd00:200:0:{link}::{(right ? 2 : 1)}"))
            : new IPAddress([10, 200, (byte)(240 + link), (byte)(right ? 2 : 1)]);

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        foreach (var name in _namespaces)
        {
            await IpAsync(["netns", "add", name], cancellationToken);

            // No duplicate address detection: addresses (the link-local ones too, which neighbour discovery sends
            // from) are usable at once, not a second later, so the first probes are not lost to a tentative address.
            await SysctlAsync(name, ["net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"], cancellationToken);
        }

        // Link k joins node k's "todest" to node k+1's "toprobe"; made inside node k, so no name ever sits in the root namespace.
        for (var link = 0; link <= Routers; link++)
        {
            await IpAsync(["-n", _namespaces[link], "link", "add", Downlink, "type", "veth", "peer", "name", Uplink, "netns", _namespaces[link + 1]], cancellationToken);
        }

        for (var node = 0; node < _namespaces.Length; node++)
        {
            await IpBatchAsync(_namespaces[node], NodeCommands(node), cancellationToken);
            if (node is > 0 && node <= Routers)
            {
                await SysctlAsync(
                    _namespaces[node],
                    [
                        "net.ipv4.ip_forward=1",
                        "net.ipv6.conf.all.forwarding=1",
                        // Linux answers at most one time-exceeded a second per source by default: a tracer sending
                        // faster would see made-up loss. Tests that want that limit set it again.
                        "net.ipv4.icmp_ratelimit=0",
                        "net.ipv6.icmp.ratelimit=0",
                    ],
                    cancellationToken);
            }
        }

        await WarmUpAsync(cancellationToken);
    }

    /// <summary>
    /// One ping end to end in each family, so every neighbour entry on the path exists before a test starts: a test's
    /// first probes then measure the path, not neighbour discovery, and a lossy link cannot eat the discovery itself.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var ping = NetworkEnvironment.RequireTool("ping", "iputils-ping");
        foreach (var ipv6 in new[] { false, true })
        {
            CommandResult? result = null;
            for (var attempt = 0; attempt < 3 && result?.ExitCode is not 0; attempt++)
            {
                result = await ExternalCommand.RunAsync(_ip, ["netns", "exec", ProbeNamespace, ping, ipv6 ? "-6" : "-4", "-c", "1", "-W", "2", Destination(ipv6).ToString()], cancellationToken: cancellationToken);
            }

            if (result?.ExitCode is not 0)
            {
                throw new InvalidOperationException($"the chain {this} does not carry a ping to {Destination(ipv6)}: {result?.StandardOutput} {result?.StandardError}");
            }
        }
    }

    /// <summary>Addresses, links up, and routes: everything on the probe's side via "toprobe", everything beyond via "todest".</summary>
    private List<string> NodeCommands(int node)
    {
        var commands = new List<string> { "link set lo up" };
        var hasUp = node > 0;
        var hasDown = node <= Routers;
        if (hasUp)
        {
            commands.Add($"addr add {Address(node - 1, right: true, ipv6: false)}/24 dev {Uplink}");
            commands.Add($"addr add {Address(node - 1, right: true, ipv6: true)}/64 dev {Uplink} nodad");
            commands.Add($"link set {Uplink} up");
        }

        if (hasDown)
        {
            commands.Add($"addr add {Address(node, right: false, ipv6: false)}/24 dev {Downlink}");
            commands.Add($"addr add {Address(node, right: false, ipv6: true)}/64 dev {Downlink} nodad");
            commands.Add($"link set {Downlink} up");
        }

        for (var link = 0; link <= Routers; link++)
        {
            if (link == node - 1 || link == node)
            {
                continue;
            }

            // A link before this node is reached through the left neighbour, one after it through the right.
            var gatewayLink = link < node ? node - 1 : node;
            var left = link < node;
            commands.Add($"route add {Prefix4(link)} via {Address(gatewayLink, right: !left, ipv6: false)} dev {(left ? Uplink : Downlink)}");
            commands.Add($"route add {Prefix6(link)} via {Address(gatewayLink, right: !left, ipv6: true)} dev {(left ? Uplink : Downlink)}");
        }

        return commands;
    }

    private static string Prefix4(int link) => string.Create(CultureInfo.InvariantCulture, $"10.200.{240 + link}.0/24");

    private static string Prefix6(int link) => string.Create(CultureInfo.InvariantCulture, $"fd00:200:0:{link}::/64");

    private async Task SysctlAsync(string name, IEnumerable<string> settings, CancellationToken cancellationToken)
    {
        var sysctl = NetworkEnvironment.RequireTool("sysctl", "procps");
        await ExternalCommand.RunCheckedAsync(_ip, ["netns", "exec", name, sysctl, "-q", .. settings.SelectMany(s => new[] { "-w", s })], cancellationToken: cancellationToken);
    }

    private Task IpAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalCommand.RunCheckedAsync(_ip, arguments, cancellationToken: cancellationToken);

    private Task IpBatchAsync(string namespaceName, IEnumerable<string> commands, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        foreach (var command in commands)
        {
            script.Append(command).Append('\n');
        }

        return ExternalCommand.RunCheckedAsync(_ip, ["-n", namespaceName, "-batch", "-"], script.ToString(), cancellationToken);
    }

    /// <summary>Deletes the namespaces of chains whose process is gone (a crashed test run).</summary>
    private static async Task RemoveLeftoversAsync(string ip, CancellationToken cancellationToken)
    {
        var list = await ExternalCommand.RunCheckedAsync(ip, ["netns", "list"], cancellationToken: cancellationToken);
        foreach (Match match in ChainNamespace().Matches(list.StandardOutput))
        {
            if (!Directory.Exists($"/proc/{match.Groups["pid"].Value}"))
            {
                await ExternalCommand.RunAsync(ip, ["netns", "del", match.Groups["name"].Value], cancellationToken: cancellationToken);
            }
        }
    }

    [GeneratedRegex(@"^(?<name>npp(?<pid>\d+)-\d+-(?:probe|r\d+|dest))\b", RegexOptions.Multiline)]
    private static partial Regex ChainNamespace();

    /// <summary>Runs a tool (sysctl) inside the destination's namespace and throws if it fails.</summary>
    public Task<CommandResult> RunInDestinationAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ExternalCommand.RunCheckedAsync(_ip, ["netns", "exec", _namespaces[^1], fileName, .. arguments], cancellationToken: cancellationToken);

    /// <summary>A socket inside the destination's namespace (a test's own echo responder).</summary>
    public Socket CreateSocketInDestination(AddressFamily family, SocketType type, ProtocolType protocol) =>
        NamespaceThread.Run(_namespaces[^1], () => new Socket(family, type, protocol));

    /// <summary>A socket inside the probe's namespace, as <see cref="NetworkNamespaceHost.CreateSocketInside"/> makes one.</summary>
    public Socket CreateSocketInProbe(AddressFamily family, SocketType type, ProtocolType protocol) =>
        RunInProbe(() => new Socket(family, type, protocol));
}
