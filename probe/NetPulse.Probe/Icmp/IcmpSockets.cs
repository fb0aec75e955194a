using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The raw ICMP socket (and the ICMPv6 one when IPv6 may be needed) that one engine run sends and receives
/// on. Opening needs root or CAP_NET_RAW; without them <see cref="Open"/> throws the
/// <see cref="SocketException"/> the factory turns into the fallback.
/// </summary>
internal sealed class IcmpSockets : IDisposable
{
    // Linux setsockopt constants (linux/icmp.h, netinet/icmp6.h): kernel-side filters by ICMP type.
    private const int SolRaw = 255;
    private const int IcmpFilter = 1;
    private const int IPProtoIcmpV6 = 58;
    private const int Icmp6Filter = 1;

    /// <summary>Room for a burst of a thousand replies between two reads (the kernel caps it at rmem_max).</summary>
    private const int ReceiveBufferBytes = 1 << 20;

    private IcmpSockets(Socket v4, Socket? v6)
    {
        V4 = v4;
        V6 = v6;
    }

    public Socket V4 { get; }

    /// <summary>Null when IPv6 is not needed or the host has no IPv6.</summary>
    public Socket? V6 { get; }

    /// <summary>Opens a raw IPv4 ICMP socket and closes it: the cheapest way to learn whether this process may.</summary>
    public static bool CanOpen(out SocketException? error)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            error = null;
            return true;
        }
        catch (SocketException e)
        {
            error = e;
            return false;
        }
    }

    public static IcmpSockets Open(bool needIPv6, ILogger logger)
    {
        var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        try
        {
            Configure(v4, IPAddress.Any, logger);
            if (OperatingSystem.IsLinux())
            {
                // Pass only echo reply (0), destination unreachable (3) and time exceeded (11): on loopback
                // this keeps our own echo requests out of the socket, halving the receive work.
                TrySetFilter(v4, SolRaw, IcmpFilter, BitConverter.GetBytes(~((1u << 0) | (1u << 3) | (1u << 11))), logger);
            }

            return new IcmpSockets(v4, needIPv6 ? TryOpenIPv6(logger) : null);
        }
        catch
        {
            v4.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        V4.Dispose();
        V6?.Dispose();
    }

    private static Socket? TryOpenIPv6(ILogger logger)
    {
        if (!Socket.OSSupportsIPv6)
        {
            logger.LogWarning("This host has no IPv6: IPv6 targets will be SendFailed");
            return null;
        }

        Socket? v6 = null;
        try
        {
            v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            Configure(v6, IPAddress.IPv6Any, logger);
            if (OperatingSystem.IsLinux())
            {
                // Pass only echo reply (129), destination unreachable (1) and time exceeded (3): the ICMPv6
                // socket would otherwise also wake up for every neighbour and router advertisement.
                Span<uint> blocked = stackalloc uint[8];
                blocked.Fill(uint.MaxValue);
                foreach (var type in (ReadOnlySpan<int>)[129, 1, 3])
                {
                    blocked[type >> 5] &= ~(1u << (type & 31));
                }

                TrySetFilter(v6, IPProtoIcmpV6, Icmp6Filter, MemoryMarshal.AsBytes(blocked), logger);
            }

            return v6;
        }
        catch (SocketException e)
        {
            v6?.Dispose();
            logger.LogWarning(e, "Cannot open a raw ICMPv6 socket: IPv6 targets will be SendFailed");
            return null;
        }
    }

    private static void Configure(Socket socket, IPAddress any, ILogger logger)
    {
        // Bound before any ReceiveFrom (an unbound raw socket refuses it); blocking, because the scheduling
        // thread only reads what Poll and Available say is there.
        socket.Bind(new IPEndPoint(any, 0));
        socket.Blocking = true;
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
        }
        catch (SocketException e)
        {
            logger.LogDebug(e, "Could not enlarge the ICMP receive buffer");
        }
    }

    private static void TrySetFilter(Socket socket, int level, int option, ReadOnlySpan<byte> filter, ILogger logger)
    {
        try
        {
            socket.SetRawSocketOption(level, option, filter);
        }
        catch (SocketException e)
        {
            // Only a cost: the receive path filters the same types itself.
            logger.LogDebug(e, "Kernel ICMP type filter not available");
        }
    }
}
