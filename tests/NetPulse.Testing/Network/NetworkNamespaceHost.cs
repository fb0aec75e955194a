using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NetPulse.Testing.Network;

/// <summary>
/// A network namespace joined to this machine by a veth link: the host side (10.200.N.1/24) stays in
/// the root namespace, the peer inside the namespace holds the target addresses 10.200.N.2, .3, …
/// Each instance gets its own /24 from 10.200.0.0/16, chosen under a machine-wide lock, so test
/// classes (and test runs of other engineers) can use namespaces in parallel. Needs root; guard tests
/// with <see cref="RootFactAttribute"/>. Dispose it after anything that uses it (an <see cref="IcmpResponder"/>).
/// <para><see cref="CreateWithPingerNamespaceAsync"/> puts the host side in a namespace of its own too
/// (<see cref="PingerNamespace"/>), for a pinger whose settings must not touch the root namespace's
/// (<c>net.ipv4.ping_group_range</c>, which decides who may open an ICMP datagram socket, is per namespace).</para>
/// </summary>
public sealed partial class NetworkNamespaceHost : IAsyncDisposable
{
    /// <summary>A /24 has 254 hosts and the host side takes the first.</summary>
    public const int MaxTargets = 253;

    private const string NamespacePrefix = "netpulse-";
    // A fixed path, not the temp folder: every process that makes namespaces must see the same lock, whatever its TMPDIR.
    private const string LockPath = "/tmp/netpulse-netns.lock";
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LinkStateWait = TimeSpan.FromSeconds(5);

    private const string PingerSuffix = "-pinger";

    private readonly string _ip;
    private bool _disposed;

    private NetworkNamespaceHost(string ip, int subnet, int targetCount, bool pingerNamespace)
    {
        _ip = ip;
        Subnet = subnet;
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var index = subnet.ToString(CultureInfo.InvariantCulture);

        // The creating process id is in every name so that a later run can tell a crashed run's
        // leftovers (process gone) from a namespace that a parallel run is still using.
        Name = $"{NamespacePrefix}{pid}-{index}";
        HostInterface = $"np{pid}h{index}"; // at most 13 characters: Linux allows 15
        NamespaceInterface = $"np{pid}p{index}";
        HostAddress = Address(1);
        TargetAddresses = Enumerable.Range(2, targetCount).Select(Address).ToList();
        HostMac = $"02:4e:50:00:{subnet:x2}:01";
        NamespaceMac = $"02:4e:50:00:{subnet:x2}:02";
        PingerNamespace = pingerNamespace ? Name + PingerSuffix : null;
    }

    /// <summary>The namespace holding the host side (<see cref="HostAddress"/>) when it is not the root namespace; null otherwise.</summary>
    public string? PingerNamespace { get; }

    /// <summary>The namespace's name, as <c>ip netns</c> knows it.</summary>
    public string Name { get; }

    /// <summary>The veth end in the root namespace.</summary>
    public string HostInterface { get; }

    /// <summary>The veth end inside the namespace, holding every target address.</summary>
    public string NamespaceInterface { get; }

    /// <summary>N in 10.200.N.0/24.</summary>
    public int Subnet { get; }

    /// <summary>The root namespace's address on the link (10.200.N.1): the source of every ping to a target.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The addresses inside the namespace (10.200.N.2 onwards), one per target asked for.</summary>
    public IReadOnlyList<IPAddress> TargetAddresses { get; }

    /// <summary>The first of <see cref="TargetAddresses"/>.</summary>
    public IPAddress TargetAddress => TargetAddresses[0];

    public bool IsLinkUp { get; private set; }

    private string HostMac { get; }

    private string NamespaceMac { get; }

    /// <summary>
    /// Creates the namespace, the veth link and <paramref name="targetCount"/> target addresses, all up
    /// and answering pings (the kernel answers until an <see cref="IcmpResponder"/> takes over).
    /// </summary>
    public static Task<NetworkNamespaceHost> CreateAsync(int targetCount = 1, CancellationToken cancellationToken = default) =>
        CreateAsync(targetCount, pingerNamespace: false, cancellationToken);

    /// <summary>
    /// As <see cref="CreateAsync(int, CancellationToken)"/>, with the host side (10.200.N.1) in a namespace of its own,
    /// <see cref="PingerNamespace"/>: make the pinger's sockets there with <see cref="CreateSocketInPinger"/> and run
    /// its tools there with <see cref="RunInPingerAsync"/>. Nothing of it is in the root namespace.
    /// </summary>
    public static Task<NetworkNamespaceHost> CreateWithPingerNamespaceAsync(int targetCount = 1, CancellationToken cancellationToken = default) =>
        CreateAsync(targetCount, pingerNamespace: true, cancellationToken);

    private static async Task<NetworkNamespaceHost> CreateAsync(int targetCount, bool pingerNamespace, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetCount, MaxTargets);
        var ip = NetworkEnvironment.RequireTool("ip", "iproute2");

        await using var machineLock = await AcquireMachineLockAsync(cancellationToken);
        await RemoveLeftoversAsync(ip, cancellationToken);
        var subnet = await FindFreeSubnetAsync(ip, cancellationToken);
        var host = new NetworkNamespaceHost(ip, subnet, targetCount, pingerNamespace);
        try
        {
            await host.BuildAsync(cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Deletes namespaces and veth links left by test runs that crashed (their process is gone).
    /// <see cref="CreateAsync"/> does this too; call it from a run script to tidy up earlier.
    /// </summary>
    public static async Task RemoveLeftoversAsync(CancellationToken cancellationToken = default)
    {
        var ip = NetworkEnvironment.RequireTool("ip", "iproute2");
        await using var machineLock = await AcquireMachineLockAsync(cancellationToken);
        await RemoveLeftoversAsync(ip, cancellationToken);
    }

    /// <summary>
    /// Cuts the link: the veth end inside the namespace goes down (<c>ip link set … down</c>), so pings
    /// to every target time out. The host side stays up on purpose: its route to 10.200.N.0/24 stays
    /// and the root namespace keeps the targets' MAC addresses, so the pings die on the cut link as
    /// they would behind a dead ISP line, and never fall through to the default route and out of the machine.
    /// </summary>
    public async Task TakeLinkDownAsync(CancellationToken cancellationToken = default)
    {
        await IpAsync(["-n", Name, "link", "set", NamespaceInterface, "down"], cancellationToken);
        await WaitForHostSideAsync(up: false, cancellationToken);
        IsLinkUp = false;
    }

    /// <summary>Brings the link back after <see cref="TakeLinkDownAsync"/>; the targets answer again at once.</summary>
    public async Task BringLinkUpAsync(CancellationToken cancellationToken = default)
    {
        // Taking a link down flushes its neighbour entries, the permanent ones included, so they are set again.
        await IpBatchAsync(
            Name,
            [
                $"link set {NamespaceInterface} up",
                $"neigh replace {HostAddress} lladdr {HostMac} dev {NamespaceInterface} nud permanent",
            ],
            cancellationToken);
        await WaitForHostSideAsync(up: true, cancellationToken);
        IsLinkUp = true;
    }

    /// <summary>Runs a tool inside the namespace (<c>ip netns exec</c>) and throws if it fails.</summary>
    public Task<CommandResult> RunInsideAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ExternalCommand.RunCheckedAsync(_ip, ["netns", "exec", Name, fileName, .. arguments], cancellationToken: cancellationToken);

    /// <summary>
    /// Creates a socket that lives inside the namespace (it keeps that namespace whichever thread uses
    /// it): a raw ICMP socket for a responder, a listener for a service a probe should reach, …
    /// </summary>
    public Socket CreateSocketInside(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) =>
        NamespaceThread.Run(Name, () => new Socket(addressFamily, socketType, protocolType));

    /// <summary>Runs a tool inside <see cref="PingerNamespace"/> (<c>ip netns exec</c>); the result, whatever the exit code.</summary>
    public Task<CommandResult> RunInPingerAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ExternalCommand.RunAsync(_ip, ["netns", "exec", RequirePingerNamespace(), fileName, .. arguments], cancellationToken: cancellationToken);

    /// <summary>Creates a socket that lives inside <see cref="PingerNamespace"/>, as <see cref="CreateSocketInside"/> does in the targets' namespace.</summary>
    public Socket CreateSocketInPinger(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) =>
        NamespaceThread.Run(RequirePingerNamespace(), () => new Socket(addressFamily, socketType, protocolType));

    /// <summary>
    /// A host whose pinger namespace lets every group open ICMP datagram sockets: root's namespace keeps the range closed
    /// here (and is never changed), and a closed range refuses even root such a socket.
    /// </summary>
    public static async Task<NetworkNamespaceHost> CreateWithDatagramPingerAsync(int targetCount = 1, CancellationToken cancellationToken = default)
    {
        var host = await CreateWithPingerNamespaceAsync(targetCount, cancellationToken);
        try
        {
            await host.SetPingGroupRangeAsync("0 2147483647", cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>An ICMP (or ICMPv6) datagram socket inside <see cref="PingerNamespace"/>, as the datagram engine opens it.</summary>
    public Socket CreateDatagramIcmpSocketInPinger(AddressFamily addressFamily) =>
        CreateSocketInPinger(addressFamily, SocketType.Dgram, addressFamily == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);

    /// <summary>
    /// Sets <c>net.ipv4.ping_group_range</c> in <see cref="PingerNamespace"/>: the groups whose processes may open ICMP
    /// datagram sockets there ("0 2147483647" every group, "1 0" none, the kernel's default for a new namespace).
    /// </summary>
    public async Task SetPingGroupRangeAsync(string range, CancellationToken cancellationToken = default)
    {
        var sysctl = NetworkEnvironment.RequireTool("sysctl", "procps");
        var result = await RunInPingerAsync(sysctl, ["-q", "-w", $"net.ipv4.ping_group_range={range}"], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not set net.ipv4.ping_group_range to '{range}' in {PingerNamespace}: {result.StandardError.Trim()}");
        }
    }

    /// <summary>
    /// Deletes the veth link and the namespace. Dispose sockets made inside it first: an open socket
    /// keeps a deleted namespace alive until it closes.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Deleting the host end removes both ends even while a socket still holds the namespace.
        if (PingerNamespace is { } pinger)
        {
            await ExternalCommand.RunAsync(_ip, ["-n", pinger, "link", "del", HostInterface]);
            await ExternalCommand.RunAsync(_ip, ["netns", "del", pinger]);
        }
        else
        {
            await ExternalCommand.RunAsync(_ip, ["link", "del", HostInterface]);
        }

        var result = await ExternalCommand.RunAsync(_ip, ["netns", "del", Name]);
        if (result.ExitCode != 0 && File.Exists(Path.Combine("/run/netns", Name)))
        {
            throw new InvalidOperationException($"could not delete network namespace {Name}: {result.StandardError.Trim()}");
        }
    }

    public override string ToString() => $"{Name} ({HostInterface} {HostAddress} <-> {NamespaceInterface} {TargetAddress}…)";

    private IPAddress Address(int host) => new([10, 200, (byte)Subnet, (byte)host]);

    private string RequirePingerNamespace() =>
        PingerNamespace ?? throw new InvalidOperationException($"{Name} has its host side in the root namespace: create it with {nameof(CreateWithPingerNamespaceAsync)}");

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        await IpAsync(["netns", "add", Name], cancellationToken);
        if (PingerNamespace is { } pinger)
        {
            await IpAsync(["netns", "add", pinger], cancellationToken);
        }

        // With "-n pinger" the host end is made in the pinger's namespace; "netns Name" puts the peer in the targets'.
        IEnumerable<string> where = PingerNamespace is null ? [] : ["-n", PingerNamespace];
        await IpAsync(
            [.. where, "link", "add", HostInterface, "address", HostMac, "type", "veth", "peer", "name", NamespaceInterface, "address", NamespaceMac, "netns", Name],
            cancellationToken);

        await IpBatchAsync(
            Name,
            [
                .. TargetAddresses.Select(address => $"addr add {address}/24 dev {NamespaceInterface}"),
                "link set lo up",
                $"link set {NamespaceInterface} up",
                $"neigh replace {HostAddress} lladdr {HostMac} dev {NamespaceInterface} nud permanent",
            ],
            cancellationToken);

        // Permanent neighbour entries on the host side: no ARP before a first ping, and while the link
        // is down the pings are dropped on the link (a timeout) rather than failing ARP (host unreachable).
        await IpBatchAsync(
            namespaceName: PingerNamespace,
            [
                .. PingerNamespace is null ? Array.Empty<string>() : ["link set lo up"],
                $"addr add {HostAddress}/24 dev {HostInterface}",
                $"link set {HostInterface} up",
                .. TargetAddresses.Select(address => $"neigh replace {address} lladdr {NamespaceMac} dev {HostInterface} nud permanent"),
            ],
            cancellationToken);

        await WaitForHostSideAsync(up: true, cancellationToken);
        IsLinkUp = true;
    }

    private async Task WaitForHostSideAsync(bool up, CancellationToken cancellationToken)
    {
        if (PingerNamespace is not null)
        {
            await WaitForHostSideInPingerAsync(up, cancellationToken);
            return;
        }

        var operState = Path.Combine("/sys/class/net", HostInterface, "operstate");
        var deadline = DateTime.UtcNow + LinkStateWait;
        while (true)
        {
            var state = (await File.ReadAllTextAsync(operState, cancellationToken)).Trim();
            if (string.Equals(state, "up", StringComparison.Ordinal) == up)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{HostInterface} stayed '{state}' for {LinkStateWait.TotalSeconds} s after its peer went {(up ? "up" : "down")}");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>/sys/class/net shows the root namespace's links only, so the pinger's host end is asked through ip.</summary>
    private async Task WaitForHostSideInPingerAsync(bool up, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LinkStateWait;
        while (true)
        {
            var link = await ExternalCommand.RunCheckedAsync(_ip, ["-n", PingerNamespace!, "-o", "link", "show", "dev", HostInterface], cancellationToken: cancellationToken);
            var state = LinkState().Match(link.StandardOutput).Groups[1].Value;
            if (string.Equals(state, "UP", StringComparison.Ordinal) == up)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{HostInterface} in {PingerNamespace} stayed '{state}' for {LinkStateWait.TotalSeconds} s after its peer went {(up ? "up" : "down")}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private Task IpAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ExternalCommand.RunCheckedAsync(_ip, arguments, cancellationToken: cancellationToken);

    private Task IpBatchAsync(string? namespaceName, IEnumerable<string> commands, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        foreach (var command in commands)
        {
            script.Append(command).Append('\n');
        }

        IEnumerable<string> arguments = namespaceName is null ? ["-batch", "-"] : ["-n", namespaceName, "-batch", "-"];
        return ExternalCommand.RunCheckedAsync(_ip, arguments, script.ToString(), cancellationToken);
    }

    private static async Task<FileStream> AcquireMachineLockAsync(CancellationToken cancellationToken)
    {
        // FileShare.None is an exclusive flock on Linux: it serialises subnet choice between the
        // test classes of one run and between concurrent runs on the same machine.
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private static async Task<int> FindFreeSubnetAsync(string ip, CancellationToken cancellationToken)
    {
        // Anything already using 10.200.N (an address or a route, ours or not) makes N unavailable.
        var addresses = await ExternalCommand.RunCheckedAsync(ip, ["-o", "-4", "addr", "show"], cancellationToken: cancellationToken);
        var routes = await ExternalCommand.RunCheckedAsync(ip, ["-4", "route", "show"], cancellationToken: cancellationToken);
        var used = SubnetInUse().Matches(addresses.StandardOutput + routes.StandardOutput)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .Concat((await ListNamespacesAsync(ip, cancellationToken)).Select(ns => ns.Subnet))
            .ToHashSet();

        var free = Enumerable.Range(1, 254).FirstOrDefault(n => !used.Contains(n));
        return free > 0
            ? free
            : throw new InvalidOperationException("every 10.200.N.0/24 (N = 1..254) is in use: too many namespaces, or leftovers of a live process");
    }

    private static async Task RemoveLeftoversAsync(string ip, CancellationToken cancellationToken)
    {
        foreach (var (name, pid, _) in await ListNamespacesAsync(ip, cancellationToken))
        {
            if (!IsAlive(pid))
            {
                await ExternalCommand.RunAsync(ip, ["netns", "del", name], cancellationToken: cancellationToken);
            }
        }

        var links = await ExternalCommand.RunCheckedAsync(ip, ["-o", "link", "show"], cancellationToken: cancellationToken);
        foreach (Match match in HostInterfaceLine().Matches(links.StandardOutput))
        {
            if (!IsAlive(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture)))
            {
                await ExternalCommand.RunAsync(ip, ["link", "del", match.Groups["name"].Value], cancellationToken: cancellationToken);
            }
        }
    }

    private static async Task<List<(string Name, int Pid, int Subnet)>> ListNamespacesAsync(string ip, CancellationToken cancellationToken)
    {
        var list = await ExternalCommand.RunCheckedAsync(ip, ["netns", "list"], cancellationToken: cancellationToken);
        return NamespaceLine().Matches(list.StandardOutput)
            .Select(match => (
                match.Groups["name"].Value,
                int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["subnet"].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    [GeneratedRegex(@"\b10\.200\.(\d{1,3})\.")]
    private static partial Regex SubnetInUse();

    // A pinger namespace is "<name>-pinger": matched whole, so a crashed run's pinger namespace is deleted too.
    [GeneratedRegex(@"^(?<name>netpulse-(?<pid>\d+)-(?<subnet>\d+)(?:-pinger)?)\b", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\d+:\s+(?<name>np(?<pid>\d+)h\d+)[@:]", RegexOptions.Multiline)]
    private static partial Regex HostInterfaceLine();

    [GeneratedRegex(@"\bstate (\S+)")]
    private static partial Regex LinkState();
}
