using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetPulse.Probe.Icmp;
using NetPulse.Testing.Network;

namespace NetPulse.Probe.IntegrationTests.Paths;

/// <summary>
/// Answers IPv4 echo requests at a chain's destination in place of its kernel, each a fixed delay late: a hop whose round
/// trip is longer than the ones before it. (tc netem would delay a link; this machine's kernel has no netem.)
/// </summary>
internal sealed class DelayedEchoResponder : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly long _delay;
    private readonly Thread _thread;
    private readonly RouterChain _chain;
    private volatile bool _stopping;

    private DelayedEchoResponder(RouterChain chain, Socket socket, TimeSpan delay)
    {
        _chain = chain;
        _socket = socket;
        _delay = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Loop) { IsBackground = true, Name = "delayed echo" };
    }

    public static async Task<DelayedEchoResponder> StartAsync(RouterChain chain, TimeSpan delay)
    {
        // The kernel must stay quiet, or every request would get a prompt reply besides the late one.
        await chain.RunInDestinationAsync(NetworkEnvironment.RequireTool("sysctl", "procps"), ["-q", "-w", "net.ipv4.icmp_echo_ignore_all=1"]);
        var socket = chain.CreateSocketInDestination(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        var responder = new DelayedEchoResponder(chain, socket, delay);
        responder._thread.Start();
        return responder;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
        await _chain.RunInDestinationAsync(NetworkEnvironment.RequireTool("sysctl", "procps"), ["-q", "-w", "net.ipv4.icmp_echo_ignore_all=0"]);
    }

    private void Loop()
    {
        var due = new PriorityQueue<(byte[] Reply, IPEndPoint To), long>();
        var buffer = new byte[65_536];
        while (!_stopping)
        {
            if (_socket.Poll(1_000, SelectMode.SelectRead))
            {
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                var length = _socket.ReceiveFrom(buffer, ref from);
                var headerLength = (buffer[0] & 0x0F) * 4;
                if (length >= headerLength + IcmpPacket.HeaderLength && buffer[headerLength] == 8)
                {
                    // The request with type 0 and a new checksum is the reply (identifier, sequence and payload echoed).
                    var reply = buffer.AsSpan(headerLength, length - headerLength).ToArray();
                    reply[0] = 0;
                    BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 0);
                    BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), IcmpPacket.Checksum(reply));
                    due.Enqueue((reply, (IPEndPoint)from), Stopwatch.GetTimestamp() + _delay);
                }
            }

            while (due.TryPeek(out var next, out var at) && at <= Stopwatch.GetTimestamp())
            {
                due.Dequeue();
                _socket.SendTo(next.Reply, next.To);
            }
        }
    }
}
