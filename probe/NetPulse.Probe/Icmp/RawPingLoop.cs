using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// One run of the raw-socket or datagram-socket engine: a single dedicated thread that sends every target's echo
/// requests when they fall due and reads every reply, on one ICMP socket (plus one ICMPv6 socket).
/// </summary>
/// <remarks>
/// The loop: read every reply waiting in the sockets, close rounds whose deadline passed, send the rounds
/// that fell due, then sleep in <see cref="Socket.Poll"/> until the next due time or a reply. No tasks,
/// timers or thread-pool work per ping, and no allocation in the steady state: buffers, socket addresses,
/// the pending-round table and both queues are sized once. Clock readings are
/// <see cref="Stopwatch.GetTimestamp"/> (monotonic, high resolution); the <see cref="TimeProvider"/> only
/// anchors the schedule in UTC, again whenever the wall clock steps (<see cref="WallClockAnchor"/>).
/// </remarks>
internal sealed class RawPingLoop
{
    /// <summary>Poll converts to whole milliseconds: under 1,000 µs it waits 0 ms and the loop spins.</summary>
    private const int MinimumPollMicroseconds = 1_000;

    /// <summary>The longest sleep, so cancellation is noticed within this even with nothing due.</summary>
    private const int MaximumPollMicroseconds = 100_000;

    private static readonly TimeSpan MissedLogInterval = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<ProbeTarget> _targets;
    private readonly IcmpSockets _sockets;
    private readonly TargetAddressBook _addresses;
    private readonly PingEngineStats _stats;
    private readonly ILogger _logger;
    private readonly PingSchedule _schedule;
    private readonly PendingRounds _pending;
    private readonly PriorityQueue<(int Slot, long Round), long> _deadlines;
    private readonly long[] _timeouts;
    private readonly ushort[] _sequences;
    private readonly SampleSink _sink;
    private readonly WallClockAnchor _anchor;
    private readonly SendFailureLog _sendFailures;
    private readonly byte[] _request = new byte[IcmpPacket.EchoRequestLength];
    private readonly byte[] _receiveBuffer = GC.AllocateUninitializedArray<byte>(ushort.MaxValue + 1, pinned: true);
    private readonly SocketAddress _receiveAddressV6 = new(AddressFamily.InterNetworkV6);
    private readonly List<Socket> _readable = new(2);
    private readonly TimestampedReceiver? _stampedV4;
    private readonly TimestampedReceiver? _stampedV6;
    private readonly bool _waitOnBoth;
    private long _lastMissedLog = long.MinValue;
    private long _missedSinceLog;

    public RawPingLoop(
        IReadOnlyList<ProbeTarget> targets,
        IcmpSockets sockets,
        TargetAddressBook addresses,
        ChannelWriter<PingSample> samples,
        PingEngineStats stats,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _targets = targets;
        _sockets = sockets;
        _addresses = addresses;
        _stats = stats;
        _logger = logger;
        _waitOnBoth = sockets.V6 is not null;

        var count = targets.Count;
        var intervals = new TimeSpan[count];
        for (var slot = 0; slot < count; slot++)
        {
            intervals[slot] = targets[slot].Interval;
        }

        _anchor = new WallClockAnchor(timeProvider, logger);
        _schedule = new PingSchedule(intervals, Stopwatch.GetTimestamp(), Stopwatch.Frequency, EngineRules.FirstDue(targets, intervals, _anchor.Current.StartUtc));
        // A datagram socket's requests carry its port whatever the engine writes; a raw socket's, an identifier of this run.
        _pending = sockets.Kind == IcmpSocketKind.Datagram
            ? new PendingRounds(count, IcmpSockets.Identifier(sockets.V4), sockets.V6 is { } datagramV6 ? IcmpSockets.Identifier(datagramV6) : null)
            : new PendingRounds(count, EchoIdentifier.Next());

        // One deadline per round in flight, plus at most one stale entry per target for a round that was answered.
        _deadlines = new PriorityQueue<(int, long), long>(2 * count);
        _timeouts = new long[count];
        _sequences = new ushort[count];
        for (var slot = 0; slot < count; slot++)
        {
            _timeouts[slot] = _schedule.ToTimestampDelta(EngineRules.EffectiveTimeout(targets[slot].Timeout, _schedule.Interval(slot)));
            _sequences[slot] = 1;
            EngineRules.WarnIfIntervalCapped(targets[slot], _schedule.Interval(slot), logger);
        }

        _sink = new SampleSink(targets, samples, stats, logger, _anchor, Stopwatch.GetTimestamp, Stopwatch.Frequency);
        _sendFailures = new SendFailureLog(targets, logger);
        _stampedV4 = TimestampedReceiver.TryCreate(sockets.V4, _receiveBuffer, logger);
        _stampedV6 = sockets.V6 is { } v6 ? TimestampedReceiver.TryCreate(v6, _receiveBuffer, logger) : null;
        if (sockets.Kind == IcmpSocketKind.Datagram && (_stampedV4 is null || (sockets.V6 is not null && _stampedV6 is null)))
        {
            // A datagram ICMP socket answers no FIONREAD (Available), so recvmsg is the only way to read it.
            _stampedV4?.Dispose();
            _stampedV6?.Dispose();
            throw new PlatformNotSupportedException("ICMP datagram sockets need recvmsg with kernel receive stamps (64-bit Linux).");
        }
        for (var i = IcmpPacket.HeaderLength; i < _request.Length; i++)
        {
            _request[i] = (byte)i;
        }
    }

    /// <summary>Runs the loop on a thread of its own until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunOnDedicatedThreadAsync(CancellationToken cancellationToken) =>
        SchedulerThread.RunAsync("netpulse-icmp", Run, cancellationToken);

    private void Run(CancellationToken cancellationToken)
    {
        _logger.LogInformation(
            "{Kind}-socket ping engine started: {Targets} targets, echo identifier {Identifier} (ICMPv6 {IdentifierV6}), IPv6 {IPv6}, receive times from {Clock}",
            _sockets.Kind == IcmpSocketKind.Raw ? "Raw" : "Datagram",
            _targets.Count,
            _pending.Identifier,
            _pending.IdentifierFor(ipv6: true),
            _sockets.V6 is null ? "off" : "on",
            _stampedV4 is null ? "the reading thread" : "the kernel");
        try
        {
            Loop(cancellationToken);
        }
        finally
        {
            _stampedV4?.Dispose();
            _stampedV6?.Dispose();
        }
    }

    private void Loop(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            _anchor.CheckForStep();

            // Replies first: a reply already here must not lose to its own deadline below.
            DrainReplies();
            var now = Stopwatch.GetTimestamp();
            ExpireDeadlines(now);
            while (_schedule.TryTakeDue(now, out var due))
            {
                StartRound(due, now);
                now = Stopwatch.GetTimestamp();
            }

            WaitForReplyOrDueTime(now);
        }
    }

    private void StartRound(in DueRound due, long now)
    {
        var slot = due.Slot;
        if (_pending.TryTake(slot, out var stillOpen))
        {
            Finish(stillOpen, PingStatus.Timeout, rtt: null);
        }

        if (_schedule.IsMissed(due, now) || !_schedule.TryAdmitRequest(slot, now))
        {
            RecordMissed(now);
            return;
        }

        var lateness = _schedule.ToTimeSpan(now - due.DueTimestamp);
        if (_addresses[slot] is not { } address)
        {
            _sink.Write(slot, due.DueOffset, PingStatus.ResolveFailed, null, lateness);
            return;
        }

        var socket = address.IsIPv6 ? _sockets.V6 : _sockets.V4;
        if (socket is null)
        {
            _sendFailures.Failed(slot, address.Address, "no ICMPv6 socket");
            _sink.Write(slot, due.DueOffset, PingStatus.SendFailed, null, lateness);
            return;
        }

        var sequence = _pending.FreeSequence(address.Key, _sequences[slot]);
        _sequences[slot] = (ushort)(sequence + 1);
        IcmpPacket.WriteEchoRequest(_request, address.IsIPv6, _pending.IdentifierFor(address.IsIPv6), sequence);

        // Stamped before the system call, as ping and fping do: the RTT includes the send itself.
        var sent = Stopwatch.GetTimestamp();
        try
        {
            socket.SendTo(_request, SocketFlags.None, address.SocketAddress);
        }
        catch (SocketException e)
        {
            // No route, network or host unreachable, or a local firewall: nothing left.
            _sendFailures.Failed(slot, address.Address, e.SocketErrorCode.ToString());
            _sink.Write(slot, due.DueOffset, PingStatus.SendFailed, null, _schedule.ToTimeSpan(sent - due.DueTimestamp));
            return;
        }

        _sendFailures.Succeeded(slot);
        _stats.RecordSent(_schedule.ToTimeSpan(sent - due.DueTimestamp), sent);
        _pending.Begin(new PendingRound(slot, due.Round, sequence, address.Key, due.DueTimestamp, sent));
        _deadlines.Enqueue((slot, due.Round), sent + _timeouts[slot]);
    }

    private void ExpireDeadlines(long now)
    {
        while (_deadlines.TryPeek(out var key, out var deadline) && deadline <= now)
        {
            _deadlines.Dequeue();
            if (_pending.TryExpire(key.Slot, key.Round, out var round))
            {
                Finish(round, PingStatus.Timeout, rtt: null);
            }
        }
    }

    private void DrainReplies()
    {
        if (_sockets.Kind == IcmpSocketKind.Datagram)
        {
            DrainDatagram(_stampedV4!, ipv6: false);
            if (_stampedV6 is { } stampedV6)
            {
                DrainDatagram(stampedV6, ipv6: true);
            }

            return;
        }

        DrainV4(_sockets.V4);
        if (_sockets.V6 is { } v6)
        {
            DrainV6(v6);
        }
    }

    private void DrainV4(Socket socket)
    {
        while (socket.Available > 0 && TryReceive(socket, _stampedV4, [], out var datagram, out var received))
        {
            if (IcmpPacket.TryParseIPv4(datagram, out var message))
            {
                Match(message, received);
            }
        }
    }

    private void DrainV6(Socket socket)
    {
        // A raw ICMPv6 socket delivers no IPv6 header: the source is in the sockaddr_in6, bytes 8-23
        // (family, port and flow label come first on every platform .NET runs on).
        Span<byte> sender = stackalloc byte[24];
        while (socket.Available > 0 && TryReceive(socket, _stampedV6, sender, out var datagram, out var received))
        {
            if (IcmpPacket.TryParseIPv6(datagram, IcmpAddress.FromIPv6(sender.Slice(8, 16)), out var message))
            {
                Match(message, received);
            }
        }
    }

    /// <summary>
    /// Reads a datagram socket until it has nothing waiting: first its error queue (the ICMP errors about its
    /// requests; reading it also clears the socket error the kernel set with each), then its echo replies. The
    /// source (or, for an error, the request's destination) is in the socket address: sockaddr_in keeps the IPv4
    /// address at byte 4, sockaddr_in6 the IPv6 one at byte 8.
    /// </summary>
    private void DrainDatagram(TimestampedReceiver stamped, bool ipv6)
    {
        Span<byte> peer = stackalloc byte[24];
        int length;
        while ((length = stamped.ReceiveError(peer, out var origin, out var type)) >= 0)
        {
            if (IcmpPacket.TryParseQueuedError(_receiveBuffer.AsSpan(0, length), origin, type, PeerAddress(peer, ipv6), out var error))
            {
                Match(error, Stopwatch.GetTimestamp());
            }
        }

        while ((length = stamped.Receive(peer, out var received)) >= 0)
        {
            if (IcmpPacket.TryParseDatagramReply(_receiveBuffer.AsSpan(0, length), ipv6, PeerAddress(peer, ipv6), out var reply))
            {
                Match(reply, received);
            }
        }
    }

    private static IcmpAddress PeerAddress(ReadOnlySpan<byte> socketAddress, bool ipv6) =>
        ipv6 ? IcmpAddress.FromIPv6(socketAddress.Slice(8, 16)) : IcmpAddress.FromIPv4(socketAddress.Slice(4, 4));

    /// <summary>
    /// Reads one waiting datagram and the <see cref="Stopwatch"/> time it arrived: the kernel's stamp where there is
    /// one, else the time of the read. <paramref name="sender"/>, when not empty, gets the start of the sender's
    /// socket address. False when the read failed.
    /// </summary>
    private bool TryReceive(Socket socket, TimestampedReceiver? stamped, Span<byte> sender, out ReadOnlySpan<byte> datagram, out long received)
    {
        if (stamped is not null)
        {
            var stampedLength = stamped.Receive(sender, out received);
            datagram = stampedLength < 0 ? default : _receiveBuffer.AsSpan(0, stampedLength);
            return stampedLength >= 0;
        }

        int length;
        try
        {
            // The IPv4 header carries the source address, so plain Receive is enough there.
            length = sender.IsEmpty
                ? socket.Receive(_receiveBuffer, SocketFlags.None)
                : socket.ReceiveFrom(_receiveBuffer, SocketFlags.None, _receiveAddressV6);
        }
        catch (SocketException e)
        {
            _logger.LogDebug(e, "ICMP receive failed");
            received = 0;
            datagram = default;
            return false;
        }

        received = Stopwatch.GetTimestamp();
        if (!sender.IsEmpty)
        {
            _receiveAddressV6.Buffer.Span[..sender.Length].CopyTo(sender);
        }

        datagram = _receiveBuffer.AsSpan(0, length);
        return true;
    }

    private void Match(in IcmpMessage message, long now)
    {
        switch (_pending.TryComplete(message, out var round))
        {
            case ReplyMatch.Matched:
                var status = message.Kind switch
                {
                    IcmpMessageKind.EchoReply => PingStatus.Ok,
                    IcmpMessageKind.TimeExceeded => PingStatus.TtlExpired,
                    _ => PingStatus.Unreachable,
                };
                Finish(round, status, status == PingStatus.Ok ? _schedule.ToTimeSpan(now - round.SentTimestamp) : null);
                break;
            case ReplyMatch.Foreign:
                _stats.RecordForeignMessage();
                break;
            default:
                _stats.RecordUnexpectedReply();
                break;
        }
    }

    private void Finish(in PendingRound round, PingStatus status, TimeSpan? rtt) =>
        _sink.Write(
            round.Slot,
            _schedule.DueOffset(round.Slot, round.Round),
            status,
            rtt,
            _schedule.ToTimeSpan(round.SentTimestamp - round.DueTimestamp));

    private void WaitForReplyOrDueTime(long now)
    {
        var next = _schedule.NextDueTimestamp;
        if (_deadlines.TryPeek(out _, out var deadline) && deadline < next)
        {
            next = deadline;
        }

        if (next <= now)
        {
            return;
        }

        // Rounded up to whole milliseconds (what poll() takes), never below one.
        var microseconds = (long)Math.Ceiling(_schedule.ToTimeSpan(next - now).TotalMilliseconds) * 1_000;
        var wait = (int)Math.Clamp(microseconds, MinimumPollMicroseconds, MaximumPollMicroseconds);
        if (_waitOnBoth)
        {
            _readable.Clear();
            _readable.Add(_sockets.V4);
            _readable.Add(_sockets.V6!);
            Socket.Select(_readable, null, null, wait);
        }
        else
        {
            _sockets.V4.Poll(wait, SelectMode.SelectRead);
        }
    }

    private void RecordMissed(long now)
    {
        _stats.RecordMissedRound();
        _missedSinceLog++;
        if (_lastMissedLog == long.MinValue || _schedule.ToTimeSpan(now - _lastMissedLog) >= MissedLogInterval)
        {
            _logger.LogWarning(
                "The ping scheduler fell behind: {Missed} rounds skipped rather than sent more than half an interval late",
                _missedSinceLog);
            _lastMissedLog = now;
            _missedSinceLog = 0;
        }
    }
}
