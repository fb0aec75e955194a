using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NetPulse.Probe.Icmp;
using NetPulse.Testing.Network;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>How a <see cref="ScriptedIcmpPeer"/> answers the echo requests to one address.</summary>
internal enum PeerScript
{
    /// <summary>A router on the way reports destination host unreachable (ICMP 3/1), quoting the request.</summary>
    Unreachable,

    /// <summary>A router on the way reports the TTL ran out in transit (ICMP 11/0), quoting the request.</summary>
    TimeExceeded,

    /// <summary>The target answers every request twice.</summary>
    Duplicate,

    /// <summary>The answer comes from another address than the request went to.</summary>
    WrongSource,
}

/// <summary>
/// Answers echo requests inside a <see cref="NetworkNamespaceHost"/> with what a real network sometimes
/// sends back instead of a clean reply: ICMP errors from a router, duplicates, replies from the wrong
/// address. The namespace's kernel is told to stay quiet; one raw socket inside it sees each request and
/// writes the scripted answer with its own IP header. The "router" is the namespace's first address.
/// </summary>
internal sealed class ScriptedIcmpPeer : IAsyncDisposable
{
    private readonly NetworkNamespaceHost _host;
    private readonly Socket _socket;
    private readonly Dictionary<uint, PeerScript> _scripts;
    private readonly uint _router;
    private readonly Thread _thread;
    private readonly byte[] _buffer = new byte[65_536];
    private volatile bool _stopping;
    private Exception? _failure;

    private ScriptedIcmpPeer(NetworkNamespaceHost host, Socket socket, Dictionary<uint, PeerScript> scripts)
    {
        _host = host;
        _socket = socket;
        _scripts = scripts;
        _router = ToUInt32(host.TargetAddresses[0]);
        _thread = new Thread(Run) { IsBackground = true, Name = $"scripted icmp peer {host.Name}" };
        _thread.Start();
    }

    public static async Task<ScriptedIcmpPeer> StartAsync(NetworkNamespaceHost host, IReadOnlyDictionary<IPAddress, PeerScript> scripts)
    {
        var sysctl = NetworkEnvironment.RequireTool("sysctl", "procps");
        await host.RunInsideAsync(sysctl, ["-q", "-w", "net.ipv4.icmp_echo_ignore_all=1"]);
        var socket = host.CreateSocketInside(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ScriptedIcmpPeer(host, socket, scripts.ToDictionary(pair => ToUInt32(pair.Key), pair => pair.Value));
    }

    public ValueTask DisposeAsync()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
        return _failure is null
            ? ValueTask.CompletedTask
            : throw new InvalidOperationException($"The scripted ICMP peer in {_host.Name} failed: {_failure.Message}", _failure);
    }

    private static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>An IPv4 packet with a 20-byte header; the kernel fills in the total length, id and header checksum.</summary>
    private static byte[] Packet(uint source, uint destination, ReadOnlySpan<byte> icmp)
    {
        var packet = new byte[20 + icmp.Length];
        packet[0] = 0x45;
        packet[8] = 64;
        packet[9] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), destination);
        var message = packet.AsSpan(20);
        icmp.CopyTo(message);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], IcmpPacket.Checksum(message));
        return packet;
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                if (!_socket.Poll(20_000, SelectMode.SelectRead))
                {
                    continue;
                }

                var length = _socket.Receive(_buffer);
                Answer(_buffer.AsSpan(0, length));
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    private void Answer(ReadOnlySpan<byte> request)
    {
        var headerLength = (request[0] & 0x0F) * 4;
        if (request.Length < headerLength + 8 || request[9] != 1 || request[headerLength] != 8)
        {
            return;
        }

        var source = BinaryPrimitives.ReadUInt32BigEndian(request[12..]);
        var destination = BinaryPrimitives.ReadUInt32BigEndian(request[16..]);
        if (!_scripts.TryGetValue(destination, out var script))
        {
            return;
        }

        var echo = request[headerLength..].ToArray();
        echo[0] = 0;
        switch (script)
        {
            case PeerScript.Unreachable:
                Send(Packet(_router, source, Error(3, 1, request)), source);
                break;
            case PeerScript.TimeExceeded:
                Send(Packet(_router, source, Error(11, 0, request)), source);
                break;
            case PeerScript.Duplicate:
                var reply = Packet(destination, source, echo);
                Send(reply, source);
                Send(reply, source);
                break;
            case PeerScript.WrongSource:
                Send(Packet(_router, source, echo), source);
                break;
        }
    }

    /// <summary>An ICMP error quoting the offending packet's IP header and the first 8 bytes after it (RFC 792).</summary>
    private static byte[] Error(byte type, byte code, ReadOnlySpan<byte> request)
    {
        var quoted = request[..(((request[0] & 0x0F) * 4) + 8)];
        var error = new byte[8 + quoted.Length];
        error[0] = type;
        error[1] = code;
        quoted.CopyTo(error.AsSpan(8));
        return error;
    }

    private void Send(byte[] packet, uint destination)
    {
        Span<byte> address = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(address, destination);
        _socket.SendTo(packet, new IPEndPoint(new IPAddress(address), 0));
    }
}
