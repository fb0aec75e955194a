using System.Net.Sockets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// What this process may use to ping, in the words an operator needs to change it: a raw socket (root or
/// CAP_NET_RAW), an ICMP datagram socket (its group inside <c>net.ipv4.ping_group_range</c>), or the ping utility
/// that <c>System.Net.NetworkInformation.Ping</c> runs without either.
/// </summary>
internal static class IcmpPermissions
{
    public const string RangeSetting = "net.ipv4.ping_group_range";

    /// <summary>Where .NET's Ping looks for the ping utility (UnixCommandLinePing), in its order.</summary>
    private static readonly string[] PingUtilityFolders = ["/bin", "/sbin", "/usr/bin"];

    private const string RangeFile = "/proc/sys/net/ipv4/ping_group_range";

    /// <summary>The ping utility Ping would start without raw-socket rights: an executable file, or null.</summary>
    public static string? FindPingUtility()
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var folder in PingUtilityFolders)
        {
            var path = Path.Combine(folder, "ping");
            try
            {
                if (File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & anyExecute) != 0)
                {
                    return path;
                }
            }
            catch (IOException)
            {
                // Unreadable: as good as absent.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>Whether the <c>Ping</c> class can work here: with a raw socket it needs nothing else, without one it runs the ping utility.</summary>
    public static bool PingClassCanWork(bool rawSocket) => OperatingSystem.IsWindows() || rawSocket || FindPingUtility() is not null;

    /// <summary>E.g. <c>net.ipv4.ping_group_range is "1 0" and this process's group is 65534</c>, for warnings and errors.</summary>
    public static string DescribeRange()
    {
        string range;
        try
        {
            range = $"\"{string.Join(' ', File.ReadAllText(RangeFile).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))}\"";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            range = "unreadable";
        }

        return $"{RangeSetting} is {range} and this process's group is {EffectiveGroup()}";
    }

    public static string Describe(SocketException? error) => error?.SocketErrorCode.ToString() ?? "not supported on this platform";

    /// <summary>The effective group id from /proc/self/status ("Gid: real effective saved fs").</summary>
    private static string EffectiveGroup()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Gid:", StringComparison.Ordinal))
                {
                    var ids = line[4..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    return ids.Length > 1 ? ids[1] : ids.FirstOrDefault() ?? "unknown";
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return "unknown";
    }

    /// <summary>The file to give the capability: the probe's own executable, not a shared <c>dotnet</c> host.</summary>
    public static string ExecutablePath()
    {
        var path = Environment.ProcessPath;
        return path is null || Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? Path.Combine(AppContext.BaseDirectory, "netpulse-probe")
            : path;
    }
}

/// <summary>
/// No way to ping works for this process, or the configured one does not: the message says what is missing and
/// what to add (it names CAP_NET_RAW and net.ipv4.ping_group_range, which the container helper looks for).
/// </summary>
public sealed class IcmpUnavailableException : Exception
{
    public IcmpUnavailableException(string message)
        : base(message)
    {
    }

    public IcmpUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IcmpUnavailableException()
    {
    }
}
