using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NetPulse.Testing.Network;

/// <summary>
/// Answers pings inside a <see cref="NetworkNamespaceHost"/> in place of the kernel, so every target
/// address gets its own round-trip time and loss on the wire (no tc netem here): the namespace's kernel
/// is told to ignore echo requests, and one raw ICMP socket inside the namespace receives each request
/// and sends the reply after the address's <see cref="EchoBehavior.Delay"/>, or drops it.
/// </summary>
/// <remarks>
/// The socket is created in the namespace by a thread that entered it with setns(2), rather than in a
/// helper process started with <c>ip netns exec</c>: behaviour changes mid-test are plain method calls,
/// there is no second program to build and start, and a crashed test run cannot leave a responder
/// process behind. One dedicated thread owns the socket: it stamps each request's arrival, keeps the
/// replies in a due-time queue, sleeps in <see cref="Socket.Poll(int, SelectMode)"/> (which wakes for
/// a new request, but sleeps only whole milliseconds) until just before the next reply is due and spins
/// the last stretch, so a reply leaves within some microseconds of its due time, not the ~1-15 ms of a timer.
/// </remarks>
public sealed class IcmpResponder : IAsyncDisposable
{
    private const string IgnoreEchoSetting = "net.ipv4.icmp_echo_ignore_all";
    private static readonly long IdleWait = Stopwatch.Frequency / 50;
    private static readonly long SpinBelow = Stopwatch.Frequency * 3 / 2000;
    private static readonly long WakeMargin = Stopwatch.Frequency * 3 / 10_000;

    private readonly NetworkNamespaceHost _host;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<uint, EchoTarget> _targets = new();
    private readonly PriorityQueue<PendingReply, long> _pending = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _buffer = new byte[65_536];
    private volatile bool _stopping;
    private volatile EchoBehavior _defaultBehavior;
    private Exception? _failure;
    private bool _disposed;

    private IcmpResponder(NetworkNamespaceHost host, Socket socket, EchoBehavior defaultBehavior)
    {
        _host = host;
        _socket = socket;
        _defaultBehavior = defaultBehavior;
    }

    /// <summary>How addresses without a <see cref="Configure"/> call of their own answer; changing it affects only addresses not yet pinged.</summary>
    public EchoBehavior DefaultBehavior
    {
        get => _defaultBehavior;
        set => _defaultBehavior = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Silences the namespace's kernel and starts answering every address in it with
    /// <paramref name="defaultBehavior"/> (immediately, no loss, unless told otherwise).
    /// </summary>
    public static async Task<IcmpResponder> StartAsync(
        NetworkNamespaceHost host, EchoBehavior? defaultBehavior = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var sysctl = NetworkEnvironment.RequireTool("sysctl", "procps");

        // The setting is per namespace; without it the kernel would answer too and every ping would get two replies.
        await host.RunInsideAsync(sysctl, ["-q", "-w", $"{IgnoreEchoSetting}=1"], cancellationToken);

        var socket = host.CreateSocketInside(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
            socket.ReceiveBufferSize = 1 << 20;
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var responder = new IcmpResponder(host, socket, defaultBehavior ?? EchoBehavior.Immediate);
        new Thread(responder.Run) { IsBackground = true, Name = $"icmp responder {host.Name}" }.Start();
        return responder;
    }

    /// <summary>
    /// Sets how <paramref name="target"/> answers from the next request on, and starts its counts and
    /// its loss pattern afresh. Replies already scheduled keep their time.
    /// </summary>
    public void Configure(IPAddress target, EchoBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _targets[Key(target)] = new EchoTarget(behavior);
    }

    /// <summary>What the responder did with requests to <paramref name="target"/> since it was last configured.</summary>
    public EchoCounts CountsFor(IPAddress target) =>
        _targets.TryGetValue(Key(target), out var state) ? state.Counts : default;

    /// <summary>Stops answering, closes the socket and lets the kernel answer again. Throws if the responder thread failed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        await _stopped.Task;
        _socket.Dispose();

        // A namespace already deleted has nothing to restore.
        if (File.Exists(Path.Combine("/run/netns", _host.Name)) && NetworkEnvironment.FindTool("sysctl") is { } sysctl)
        {
            await _host.RunInsideAsync(sysctl, ["-q", "-w", $"{IgnoreEchoSetting}=0"]);
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException($"the ICMP responder in {_host.Name} failed: {_failure.Message}", _failure);
        }
    }

    private static uint Key(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"the responder answers IPv4 only, not {address}", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                ReceiveRequests();
                SendDueReplies();
                WaitForWork();
            }
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void ReceiveRequests()
    {
        while (_socket.Available > 0)
        {
            var length = _socket.Receive(_buffer);
            var arrival = Stopwatch.GetTimestamp();
            var packet = _buffer.AsSpan(0, length);
            if (!EchoPacket.TryReadRequest(packet, out var request))
            {
                continue;
            }

            var target = _targets.GetOrAdd(request.Destination, static (_, behavior) => new EchoTarget(behavior), _defaultBehavior);
            if (target.ShouldDrop())
            {
                continue;
            }

            var due = arrival + (long)(target.Behavior.Delay.TotalSeconds * Stopwatch.Frequency);
            var destination = new IPEndPoint(new IPAddress(BinaryPrimitives.ReverseEndianness(request.Source)), 0);
            _pending.Enqueue(new PendingReply(EchoPacket.BuildReply(packet, request), destination, target), due);
        }
    }

    private void SendDueReplies()
    {
        while (_pending.TryPeek(out var reply, out var due) && due <= Stopwatch.GetTimestamp())
        {
            _pending.Dequeue();
            try
            {
                _socket.SendTo(reply.Packet, reply.Destination);
                reply.Target.CountReply();
            }
            catch (SocketException)
            {
                // The link went down while the reply waited: it is lost, as it would be on the wire.
            }
        }
    }

    private void WaitForWork()
    {
        var remaining = _pending.TryPeek(out _, out var due) ? due - Stopwatch.GetTimestamp() : IdleWait;
        if (remaining <= 0)
        {
            return;
        }

        if (remaining >= SpinBelow)
        {
            // Poll rounds down to whole milliseconds and returns at once below one, so wake a little
            // early and spin the rest; a request arriving meanwhile wakes it too.
            var sleepMilliseconds = (remaining - WakeMargin) * 1000 / Stopwatch.Frequency;
            _socket.Poll((int)sleepMilliseconds * 1000, SelectMode.SelectRead);
        }
        else
        {
            Thread.SpinWait(64);
        }
    }

    private sealed record PendingReply(byte[] Packet, IPEndPoint Destination, EchoTarget Target);
}
