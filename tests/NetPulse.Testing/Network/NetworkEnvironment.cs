using System.Globalization;

namespace NetPulse.Testing.Network;

/// <summary>
/// Says whether this machine can run the on-the-wire tests, and if not, why. Each answer is worked
/// out once per test run; a null reason means the tests can run.
/// </summary>
public static class NetworkEnvironment
{
    // Capability bits from linux/capability.h.
    private const int CapNetAdmin = 12;
    private const int CapNetRaw = 13;
    private const int CapSysAdmin = 21;

    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private static readonly Lazy<string?> NamespaceBlocker = new(FindNamespaceBlocker);
    private static readonly Lazy<string?> FpingBlocker = new(FindFpingBlocker);

    /// <summary>Why network namespaces, veth links and raw ICMP sockets cannot be used here; null when they can.</summary>
    public static string? WhyNoNamespaces => NamespaceBlocker.Value;

    /// <summary>Why namespace tests that compare against fping cannot run here; null when they can.</summary>
    public static string? WhyNoFping => FpingBlocker.Value;

    /// <summary>The full path of a tool, looked up on PATH and in the sbin folders that a test runner's PATH often lacks.</summary>
    public static string? FindTool(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of a tool, or an exception that says which package provides it.</summary>
    public static string RequireTool(string name, string package) =>
        FindTool(name) ?? throw new InvalidOperationException($"'{name}' was not found on PATH or in the sbin folders: apt-get install {package}");

    private static string? FindNamespaceBlocker()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux network namespaces";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root: it creates network namespaces and veth links and opens raw ICMP sockets (CI runs as root)";
        }

        var missing = MissingCapabilities();
        if (missing.Count > 0)
        {
            return $"runs as root but lacks {string.Join(", ", missing)} (an unprivileged container?)";
        }

        if (FindTool("ip") is null)
        {
            return "needs 'ip' from iproute2: apt-get install iproute2";
        }

        if (FindTool("sysctl") is null)
        {
            return "needs 'sysctl' from procps: apt-get install procps";
        }

        return null;
    }

    private static string? FindFpingBlocker() =>
        WhyNoNamespaces ?? (FindTool("fping") is null ? "needs fping: apt-get install fping" : null);

    private static List<string> MissingCapabilities()
    {
        var effective = File.ReadLines("/proc/self/status")
            .Where(line => line.StartsWith("CapEff:", StringComparison.Ordinal))
            .Select(line => ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .FirstOrDefault();

        var missing = new List<string>();
        foreach (var (bit, name) in new[] { (CapNetAdmin, "CAP_NET_ADMIN"), (CapNetRaw, "CAP_NET_RAW"), (CapSysAdmin, "CAP_SYS_ADMIN") })
        {
            if ((effective & (1UL << bit)) == 0)
            {
                missing.Add(name);
            }
        }

        return missing;
    }
}
