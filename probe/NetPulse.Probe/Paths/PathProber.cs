using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Paths;

/// <summary>
/// Takes MTR-style path snapshots on a raw ICMP socket: echo requests with TTL 1, 2, … (IPv6: hop limit) in cycles,
/// answers matched by the echo request that time-exceeded and destination-unreachable messages quote, round trips
/// from the kernel's receive stamp. One socket and one dedicated thread per snapshot; the thread pool is never used
/// for timing, for the reason <see cref="SchedulerThread"/> gives.
/// </summary>
/// <remarks>
/// Addresses stay numeric: reverse DNS is left out on purpose (a lookup must never hold a snapshot up; a reader that
/// wants names can look them up later). Needs root or CAP_NET_RAW: setting the TTL of a datagram ("ping") socket's
/// requests works, but its errors carry no router address in a form this engine reads.
/// </remarks>
internal sealed class PathProber
{
    /// <summary>All snapshots of the process together send at most this many probes a second.</summary>
    public const double GlobalProbesPerSecond = 100;

    private const int GlobalBurst = 20;

    /// <summary>The longest sleep in the loop, so cancellation is noticed within this.</summary>
    private const int MaximumPollMicroseconds = 50_000;

    // setsockopt(IPPROTO_IP, IP_TTL) and setsockopt(IPPROTO_IPV6, IPV6_UNICAST_HOPS) (linux/in.h, linux/in6.h).
    private const int IPProtoIP = 0;
    private const int IPTtl = 2;
    private const int IPProtoIPv6 = 41;
    private const int IPv6UnicastHops = 16;

    private static readonly ProbeRateLimit Global = new(GlobalProbesPerSecond, GlobalBurst, Stopwatch.Frequency, Stopwatch.GetTimestamp());

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<AddressFamily, Socket>? _createSocket;

    /// <param name="createSocket">Makes the unbound raw socket (tests make it inside a network namespace); null makes it here.</param>
    public PathProber(TimeProvider timeProvider, ILogger logger, Func<AddressFamily, Socket>? createSocket = null)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _createSocket = createSocket;
    }

    /// <summary>
    /// Takes one snapshot of the path to <paramref name="destination"/>. Throws <see cref="IcmpUnavailableException"/>
    /// (naming CAP_NET_RAW) when this process may not open a raw ICMP socket.
    /// </summary>
    public Task<PathSnapshot> TraceAsync(string target, IPAddress destination, PathProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException($"path options: {problem}", nameof(options));
        }

        if (destination.IsIPv4MappedToIPv6)
        {
            destination = destination.MapToIPv4();
        }

        var socket = Open(destination.AddressFamily);
        var done = new TaskCompletionSource<PathSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using (socket)
                {
                    done.TrySetResult(new Run(this, socket, target, destination, options).Trace(cancellationToken));
                }
            }
            catch (OperationCanceledException e)
            {
                done.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "netpulse-path",
        };
        thread.Start();
        return done.Task;
    }

    private Socket Open(AddressFamily family)
    {
        try
        {
            return IcmpSockets.OpenRaw(family, _logger, _createSocket);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied or SocketError.OperationNotSupported or SocketError.ProtocolNotSupported)
        {
            throw new IcmpUnavailableException(
                $"a path snapshot needs a raw ICMP socket ({e.SocketErrorCode}): run as root or give the probe CAP_NET_RAW (setcap cap_net_raw+ep {IcmpPermissions.ExecutablePath()})",
                e);
        }
    }

    /// <summary>One snapshot: its socket, its probes and its clock.</summary>
    private sealed class Run
    {
        private readonly PathProber _owner;
        private readonly Socket _socket;
        private readonly string _target;
        private readonly IPAddress _destination;
        private readonly PathProbeOptions _options;
        private readonly bool _ipv6;
        private readonly PathHopTable _table;
        private readonly IPEndPoint _endPoint;
        private readonly byte[] _request = new byte[IcmpPacket.EchoRequestLength];
        private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ushort.MaxValue + 1, pinned: true);
        private readonly long _spacing;
        private readonly long _timeout;
        private long _nextSend;
        private ushort _sequence;

        public Run(PathProber owner, Socket socket, string target, IPAddress destination, PathProbeOptions options)
        {
            _owner = owner;
            _socket = socket;
            _target = target;
            _destination = destination;
            _options = options;
            _ipv6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
            _endPoint = new IPEndPoint(destination, 0);
            _table = new PathHopTable(IcmpAddress.From(destination), EchoIdentifier.Next(), Stopwatch.Frequency);
            _spacing = (long)(Stopwatch.Frequency / options.ProbesPerSecond);
            _timeout = ToTicks(options.ReplyTimeout);
            for (var i = IcmpPacket.HeaderLength; i < _request.Length; i++)
            {
                _request[i] = (byte)i;
            }
        }

        public PathSnapshot Trace(CancellationToken cancellationToken)
        {
            using var stamped = TimestampedReceiver.TryCreate(_socket, _buffer, _owner._logger);
            var startedAt = _owner._timeProvider.GetUtcNow();
            var start = Stopwatch.GetTimestamp();
            var cycleTicks = ToTicks(_options.CycleInterval);
            for (var cycle = 0; cycle < _options.Cycles; cycle++)
            {
                var cycleStart = start + (cycle * cycleTicks);
                WaitUntil(cycleStart, stamped, cancellationToken);
                for (var ttl = 1; ttl <= _table.Limit(_options.MaxHops, firstCycle: cycle == 0); ttl++)
                {
                    WaitForSendSlot(stamped, cancellationToken);
                    Send(ttl, cycle);
                }
            }

            // The last cycle's answers: until all are in or the last probe's time is up.
            var end = Stopwatch.GetTimestamp() + _timeout;
            while (_table.ExpireOlderThan(Stopwatch.GetTimestamp(), _timeout) > 0 && Stopwatch.GetTimestamp() < end)
            {
                WaitUntil(Math.Min(end, Stopwatch.GetTimestamp() + ToTicks(TimeSpan.FromMilliseconds(10))), stamped, cancellationToken);
            }

            Drain(stamped);
            var hops = _table.Hops(_options.MaxHops);
            _owner._logger.LogDebug("Path to {Target} ({Destination}): {Hops} hops, destination reached {Reached}", _target, _destination, hops.Count, _table.ReachedDestination);
            return new PathSnapshot
            {
                Target = _target,
                Destination = _destination.ToString(),
                StartedAt = startedAt,
                Cycles = _options.Cycles,
                ReachedDestination = _table.ReachedDestination,
                Hops = hops,
            };
        }

        /// <summary>Waits for this snapshot's pace and the process-wide cap, reading answers meanwhile.</summary>
        private void WaitForSendSlot(TimestampedReceiver? stamped, CancellationToken cancellationToken)
        {
            WaitUntil(_nextSend, stamped, cancellationToken);
            long allowedAt;
            while ((allowedAt = Global.TryTake(Stopwatch.GetTimestamp())) > Stopwatch.GetTimestamp())
            {
                WaitUntil(allowedAt, stamped, cancellationToken);
            }

            _nextSend = Stopwatch.GetTimestamp() + _spacing;
        }

        private void Send(int ttl, int cycle)
        {
            var sequence = ++_sequence;
            IcmpPacket.WriteEchoRequest(_request, _ipv6, _table.Identifier, sequence);
            SetTtl(ttl);

            // Stamped before the system call, as ping and mtr do: the round trip includes the send.
            var sent = Stopwatch.GetTimestamp();
            try
            {
                _socket.SendTo(_request, SocketFlags.None, _endPoint);
                _table.Sent(sequence, ttl, cycle, sent);
            }
            catch (SocketException e)
            {
                // No route or a local firewall: the probe is lost, as it would be one hop further.
                _table.Sent(sequence, ttl, cycle, sent);
                _owner._logger.LogDebug(e, "Path probe to {Destination} with TTL {Ttl} not sent", _destination, ttl);
            }
        }

        private void SetTtl(int ttl)
        {
            if (OperatingSystem.IsLinux())
            {
                _socket.SetRawSocketOption(_ipv6 ? IPProtoIPv6 : IPProtoIP, _ipv6 ? IPv6UnicastHops : IPTtl, BitConverter.GetBytes(ttl));
            }
            else
            {
                _socket.Ttl = (short)ttl;
            }
        }

        /// <summary>Reads answers until <paramref name="until"/> (a Stopwatch timestamp), sleeping in Poll between them.</summary>
        private void WaitUntil(long until, TimestampedReceiver? stamped, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Drain(stamped);
                var now = Stopwatch.GetTimestamp();
                if (now >= until)
                {
                    return;
                }

                var microseconds = (long)Math.Ceiling((until - now) * 1_000_000.0 / Stopwatch.Frequency);
                _socket.Poll((int)Math.Clamp(microseconds, 1_000, MaximumPollMicroseconds), SelectMode.SelectRead);
            }
        }

        private void Drain(TimestampedReceiver? stamped)
        {
            // sockaddr_in6 keeps the address at bytes 8-23; an IPv4 datagram carries its source in its header.
            Span<byte> sender = stackalloc byte[24];
            while (_socket.Available > 0)
            {
                int length;
                long received;
                if (stamped is not null)
                {
                    length = stamped.Receive(_ipv6 ? sender : [], out received);
                    if (length < 0)
                    {
                        return;
                    }
                }
                else
                {
                    EndPoint from = new IPEndPoint(_ipv6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                    length = _socket.ReceiveFrom(_buffer, ref from);
                    received = Stopwatch.GetTimestamp();
                    if (_ipv6)
                    {
                        ((IPEndPoint)from).Address.TryWriteBytes(sender[8..], out _);
                    }
                }

                var datagram = _buffer.AsSpan(0, length);
                var parsed = _ipv6
                    ? PathReply.TryParseIPv6(datagram, IcmpAddress.FromIPv6(sender.Slice(8, 16)), out var reply)
                    : PathReply.TryParseIPv4(datagram, out reply);
                if (parsed)
                {
                    _table.TryAnswer(reply, received, _timeout);
                }
            }
        }

        private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
    }
}
