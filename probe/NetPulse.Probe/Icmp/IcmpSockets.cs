using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Icmp;

/// <summary>Which kind of ICMP socket an engine run uses.</summary>
internal enum IcmpSocketKind
{
    /// <summary><c>SOCK_RAW</c>: needs root or CAP_NET_RAW; sees every ICMP message of the host, IPv4 with its IP header.</summary>
    Raw,

    /// <summary>
    /// <c>SOCK_DGRAM</c> with <c>IPPROTO_ICMP</c>/<c>IPPROTO_ICMPV6</c> (Linux "ping sockets"): allowed without
    /// privileges when the process's group is inside <c>net.ipv4.ping_group_range</c>. The kernel sets the echo
    /// identifier to the socket's port and hands the socket only the replies to it, without an IP header; ICMP
    /// errors come through the error queue (<c>IP_RECVERR</c>).
    /// </summary>
    Datagram,
}

/// <summary>
/// The ICMP socket (and the ICMPv6 one when IPv6 may be needed) that one engine run sends and receives on:
/// raw sockets, which need root or CAP_NET_RAW, or datagram ("ping") sockets, which need the process's group in
/// <c>net.ipv4.ping_group_range</c>. Without the permission <see cref="Open"/> and <see cref="OpenDatagram"/> throw
/// the <see cref="SocketException"/> the factory turns into the next path.
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

    // setsockopt(IPPROTO_IP, IP_RECVERR) and setsockopt(IPPROTO_IPV6, IPV6_RECVERR) (linux/in.h, linux/in6.h).
    private const int IPProtoIP = 0;
    private const int IPRecvErr = 11;
    private const int IPProtoIPv6 = 41;
    private const int IPv6RecvErr = 25;

    private IcmpSockets(IcmpSocketKind kind, Socket v4, Socket? v6)
    {
        Kind = kind;
        V4 = v4;
        V6 = v6;
    }

    public IcmpSocketKind Kind { get; }

    /// <summary>
    /// Whether ICMP datagram sockets can be used here at all: Linux, and a 64-bit process, since the engine reads
    /// them with recvmsg (<see cref="TimestampedReceiver"/>; they answer no FIONREAD).
    /// </summary>
    public static bool DatagramSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

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

    /// <summary>Opens an IPv4 ICMP datagram socket and closes it: whether this process's group is inside <c>net.ipv4.ping_group_range</c>.</summary>
    public static bool CanOpenDatagram(out SocketException? error)
    {
        error = null;
        if (!DatagramSupported)
        {
            return false;
        }

        try
        {
            using var probe = NewDatagramSocket(AddressFamily.InterNetwork);
            return true;
        }
        catch (SocketException e)
        {
            error = e;
            return false;
        }
    }

    /// <summary>
    /// Opens ICMP datagram sockets, each bound to a port of its own choosing: that port is the identifier the
    /// kernel puts in every request (<see cref="Identifier"/>). <paramref name="create"/> makes the unbound socket
    /// (tests make it inside a network namespace); null makes it here.
    /// </summary>
    public static IcmpSockets OpenDatagram(bool needIPv6, ILogger logger, Func<AddressFamily, Socket>? create = null)
    {
        if (!DatagramSupported)
        {
            throw new PlatformNotSupportedException("ICMP datagram sockets are read on 64-bit Linux only.");
        }

        create ??= NewDatagramSocket;
        var v4 = create(AddressFamily.InterNetwork);
        try
        {
            Configure(v4, IPAddress.Any, logger);
            v4.SetRawSocketOption(IPProtoIP, IPRecvErr, BitConverter.GetBytes(1));
            return new IcmpSockets(IcmpSocketKind.Datagram, v4, needIPv6 ? TryOpenDatagramIPv6(create, logger) : null);
        }
        catch
        {
            v4.Dispose();
            throw;
        }
    }

    /// <summary>The echo identifier of the socket's requests: a datagram socket's port (the kernel writes it); 0 for a raw socket, whose requests carry what the engine writes.</summary>
    public static ushort Identifier(Socket socket) =>
        socket.SocketType == SocketType.Dgram && socket.LocalEndPoint is IPEndPoint local ? (ushort)local.Port : (ushort)0;

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

            return new IcmpSockets(IcmpSocketKind.Raw, v4, needIPv6 ? TryOpenIPv6(logger) : null);
        }
        catch
        {
            v4.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One raw ICMP (or ICMPv6) socket, bound and filtered as <see cref="Open"/> does, for a caller that sends on one
    /// family alone (the path prober). <paramref name="create"/> makes the unbound socket (tests make it inside a
    /// network namespace); null makes it here. Throws <see cref="SocketException"/> without root or CAP_NET_RAW.
    /// </summary>
    public static Socket OpenRaw(AddressFamily family, ILogger logger, Func<AddressFamily, Socket>? create = null)
    {
        var ipv6 = family == AddressFamily.InterNetworkV6;
        var socket = create?.Invoke(family) ?? new Socket(family, SocketType.Raw, ipv6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        try
        {
            Configure(socket, ipv6 ? IPAddress.IPv6Any : IPAddress.Any, logger);
            if (OperatingSystem.IsLinux() && ipv6)
            {
                // The same types as Open's: echo reply (129), destination unreachable (1), time exceeded (3).
                Span<uint> blocked = stackalloc uint[8];
                blocked.Fill(uint.MaxValue);
                foreach (var type in (ReadOnlySpan<int>)[129, 1, 3])
                {
                    blocked[type >> 5] &= ~(1u << (type & 31));
                }

                TrySetFilter(socket, IPProtoIcmpV6, Icmp6Filter, MemoryMarshal.AsBytes(blocked), logger);
            }
            else if (OperatingSystem.IsLinux())
            {
                TrySetFilter(socket, SolRaw, IcmpFilter, BitConverter.GetBytes(~((1u << 0) | (1u << 3) | (1u << 11))), logger);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
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

    private static Socket NewDatagramSocket(AddressFamily family) =>
        new(family, SocketType.Dgram, family == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);

    private static Socket? TryOpenDatagramIPv6(Func<AddressFamily, Socket> create, ILogger logger)
    {
        if (!Socket.OSSupportsIPv6)
        {
            logger.LogWarning("This host has no IPv6: IPv6 targets will be SendFailed");
            return null;
        }

        Socket? v6 = null;
        try
        {
            v6 = create(AddressFamily.InterNetworkV6);
            Configure(v6, IPAddress.IPv6Any, logger);
            v6.SetRawSocketOption(IPProtoIPv6, IPv6RecvErr, BitConverter.GetBytes(1));
            return v6;
        }
        catch (SocketException e)
        {
            v6?.Dispose();
            logger.LogWarning(e, "Cannot open an ICMPv6 datagram socket: IPv6 targets will be SendFailed");
            return null;
        }
    }

    private static void Configure(Socket socket, IPAddress any, ILogger logger)
    {
        // Bound before any ReceiveFrom (an unbound raw socket refuses it; a datagram socket gets its port, the echo
        // identifier, here); blocking, because the scheduling thread only reads what Poll and Available say is there
        // (a datagram socket is read with MSG_DONTWAIT instead: it answers no FIONREAD).
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
