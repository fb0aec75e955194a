using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The fallback: <see cref="Ping.SendPingAsync(System.Net.IPAddress, TimeSpan, byte[], PingOptions, CancellationToken)"/>
/// with one reusable <see cref="Ping"/> per target, on the same schedule as the raw-socket engine (same due
/// times, phase offsets, rate cap, statuses and DNS handling). Works without privileges, at a price: as
/// non-root, .NET runs <c>/usr/bin/ping</c> for every request.
/// </summary>
/// <remarks>
/// The due-time loop runs on a thread of its own, like the raw engine's (see <see cref="SchedulerThread"/>),
/// and starts each request there; only the replies come back on the thread pool. A loop awaiting timers on
/// the pool was measured skipping rounds whenever the pool was starved.
/// <para>Before the first round it warms <see cref="Ping"/> up with a ping to loopback that is no sample
/// (<see cref="WarmUpAsync"/>): the process's first Ping loads and compiles its whole stack, and once timed out a
/// first round at 500 ms on an idle machine.</para>
/// </remarks>
public sealed class PingClassPingEngine : PingEngineBase
{
    public const string EngineName = "ping-class";

    /// <summary>The same 56 bytes of payload the raw engine, ping and fping send. Only ever read.</summary>
    private static readonly byte[] Payload = CreatePayload();

    /// <summary>
    /// Without raw-socket rights .NET runs the ping utility, which refuses a custom payload
    /// (PlatformNotSupportedException): null then asks for Ping's default one.
    /// </summary>
    private static readonly Lazy<byte[]?> UsablePayload = new(() => IcmpSockets.CanOpen(out _) ? Payload : null);

    /// <summary>How long a warm-up ping may take: loopback answers in microseconds, the first Ping of a process in up to about half a second.</summary>
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(2);

    public PingClassPingEngine(
        TargetResolver resolver,
        TimeSpan dnsRefreshInterval,
        TimeProvider timeProvider,
        ILogger<PingClassPingEngine> logger)
        : base(resolver, dnsRefreshInterval, timeProvider, logger)
    {
    }

    public override string Name => EngineName;

    /// <summary>What an <see cref="IPStatus"/> means in the probe's terms.</summary>
    internal static PingStatus ToPingStatus(IPStatus status) => status switch
    {
        IPStatus.Success => PingStatus.Ok,
        IPStatus.TimedOut => PingStatus.Timeout,
        IPStatus.DestinationHostUnreachable
            or IPStatus.DestinationNetworkUnreachable
            or IPStatus.DestinationUnreachable
            or IPStatus.DestinationProtocolUnreachable
            or IPStatus.DestinationPortUnreachable
            or IPStatus.DestinationScopeMismatch
            or IPStatus.BadRoute => PingStatus.Unreachable,
        IPStatus.TtlExpired or IPStatus.TimeExceeded or IPStatus.TtlReassemblyTimeExceeded => PingStatus.TtlExpired,
        _ => PingStatus.SendFailed,
    };

    /// <summary>
    /// The RTT of a reply: <see cref="PingReply.RoundtripTime"/> has whole milliseconds only, the engine's own
    /// stopwatch is finer but also counts Ping's per-request socket set-up and the async hand-off of the reply
    /// (and, without privileges, starting <c>/usr/bin/ping</c>). The stopwatch figure is kept unless it is more
    /// than the coarse one allows.
    /// </summary>
    /// <remarks>
    /// RoundtripTime is never the finer of the two: it is a <see langword="long"/> of milliseconds, so it can only
    /// bound the stopwatch, which is what this does. What the stopwatch adds over fping (0.3-0.5 ms measured) is
    /// Ping's work inside the call; nothing outside Ping can take it out. Two ways were weighed and left: blocking
    /// <see cref="Ping.Send(IPAddress, int)"/> (no hand-off, but a thread per request in flight), and inline socket
    /// completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>, process-wide, so the queue sender's work
    /// would run on the socket event thread). Hosts where this matters give the probe CAP_NET_RAW for the raw engine.
    /// </remarks>
    internal static TimeSpan EstimateRtt(long roundtripMilliseconds, TimeSpan measured)
    {
        var upperBound = TimeSpan.FromMilliseconds(roundtripMilliseconds + 1);
        return measured < upperBound ? measured : upperBound;
    }

    private protected override Task PingAsync(IReadOnlyList<ProbeTarget> targets, TargetAddressBook addresses, ChannelWriter<PingSample> samples, CancellationToken cancellationToken)
    {
        // Alongside the first DNS pass, which the loop waits for anyway.
        var warmUp = WarmUpAsync(addresses.MayNeedIPv6, cancellationToken);
        return WhileResolvingAsync(
            addresses,
            async () =>
            {
                await warmUp;

                // Made after the warm-up, so the schedule (and its first round) starts once Ping is ready.
                var run = new Run(this, targets, addresses, samples);
                try
                {
                    await SchedulerThread.RunAsync("netpulse-ping", run.Loop, cancellationToken);
                }
                finally
                {
                    await run.DrainAsync();
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Pings loopback (and IPv6 loopback when a target may need IPv6) once, outside the schedule and the counters,
    /// so that loading and compiling Ping's stack is not paid for by a target's first round. A loopback that does
    /// not answer costs at most <see cref="WarmUpTimeout"/> once, and only a slower first round after it.
    /// </summary>
    internal async Task WarmUpAsync(bool ipv6, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        IPAddress[] loopbacks = ipv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        foreach (var loopback in loopbacks)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var reply = await ping.SendPingAsync(loopback, WarmUpTimeout, UsablePayload.Value, null, cancellationToken);
                Logger.LogDebug(
                    "Ping warmed up on {Address}: {Status} in {Milliseconds} ms (not a sample)",
                    loopback, reply.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (e is PingException or PlatformNotSupportedException or InvalidOperationException)
            {
                Logger.LogDebug(e, "Ping warm-up on {Address} failed; the first rounds may be slow", loopback);
            }
        }
    }

    private static byte[] CreatePayload()
    {
        var payload = new byte[IcmpPacket.DefaultPayloadLength];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i + IcmpPacket.HeaderLength);
        }

        return payload;
    }

    /// <summary>One run: the due-time loop and the rounds it starts.</summary>
    private sealed class Run
    {
        /// <summary>The longest sleep, so cancellation is noticed within this even with nothing due.</summary>
        private static readonly TimeSpan MaximumWait = TimeSpan.FromMilliseconds(100);

        private static readonly TimeSpan MissedLogInterval = TimeSpan.FromSeconds(10);

        private readonly PingClassPingEngine _engine;
        private readonly TargetAddressBook _addresses;
        private readonly PingSchedule _schedule;
        private readonly SampleSink _sink;
        private readonly WallClockAnchor _anchor;
        private readonly SendFailureLog _sendFailures;
        private readonly TimeSpan[] _timeouts;
        private readonly Ping?[] _pings;
        private readonly Task?[] _inFlight;
        private readonly Task?[] _overlapping;
        private readonly int _count;
        private long _lastMissedLog = long.MinValue;
        private long _missedSinceLog;

        public Run(PingClassPingEngine engine, IReadOnlyList<ProbeTarget> targets, TargetAddressBook addresses, ChannelWriter<PingSample> samples)
        {
            _engine = engine;
            _addresses = addresses;
            _count = targets.Count;
            var intervals = new TimeSpan[_count];
            for (var slot = 0; slot < _count; slot++)
            {
                intervals[slot] = targets[slot].Interval;
            }

            _anchor = new WallClockAnchor(engine.TimeProvider, engine.Logger);
            _schedule = new PingSchedule(intervals, Stopwatch.GetTimestamp(), Stopwatch.Frequency, EngineRules.FirstDue(targets, intervals, _anchor.Current.StartUtc));
            _sink = new SampleSink(targets, samples, engine.Stats, engine.Logger, _anchor, Stopwatch.GetTimestamp, Stopwatch.Frequency);
            _sendFailures = new SendFailureLog(targets, engine.Logger);
            _timeouts = new TimeSpan[_count];
            for (var slot = 0; slot < _count; slot++)
            {
                _timeouts[slot] = EngineRules.EffectiveTimeout(targets[slot].Timeout, _schedule.Interval(slot));
                EngineRules.WarnIfIntervalCapped(targets[slot], _schedule.Interval(slot), engine.Logger);
            }

            _pings = new Ping?[_count];
            _inFlight = new Task?[_count];
            _overlapping = new Task?[_count];
        }

        /// <summary>The scheduling thread's body: start the rounds that fell due, sleep until the next one.</summary>
        public void Loop(CancellationToken cancellationToken)
        {
            _engine.Logger.LogInformation("Ping-class ping engine started: {Targets} targets", _count);
            while (!cancellationToken.IsCancellationRequested)
            {
                _anchor.CheckForStep();
                var now = Stopwatch.GetTimestamp();
                while (_schedule.TryTakeDue(now, out var due))
                {
                    StartRound(due, now, cancellationToken);
                    now = Stopwatch.GetTimestamp();
                }

                var wait = _schedule.ToTimeSpan(_schedule.NextDueTimestamp - now);
                if (wait > TimeSpan.Zero)
                {
                    // Whole milliseconds, rounded up: waking early would only loop back here.
                    var milliseconds = Math.Ceiling((wait < MaximumWait ? wait : MaximumWait).TotalMilliseconds);
                    cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(milliseconds));
                }
            }
        }

        /// <summary>After the loop: waits for the rounds in flight (they see the cancellation) and frees the Pings.</summary>
        public async Task DrainAsync()
        {
            foreach (var round in _inFlight.Concat(_overlapping))
            {
                if (round is not null)
                {
                    await round.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            foreach (var ping in _pings)
            {
                ping?.Dispose();
            }
        }

        private void StartRound(in DueRound due, long now, CancellationToken cancellationToken)
        {
            var slot = due.Slot;

            // A Ping serves one request at a time. Its reply (or timeout) comes back on the thread pool, which a
            // busy machine can hold past the next round's due time (seen in CI: a 500 ms timeout not yet reported a
            // second later): that round then goes out on a Ping of its own rather than being skipped. Only when that
            // one is still busy too (the ping utility stalled) is the round missed.
            var previousBusy = _inFlight[slot] is { IsCompleted: false };
            var skipped = previousBusy && _overlapping[slot] is { IsCompleted: false } ? "two requests of the target still waiting"
                : _schedule.IsMissed(due, now) ? "the scheduler woke more than half an interval late"
                : !_schedule.TryAdmitRequest(slot, now) ? "the per-target rate cap"
                : null;
            if (skipped is not null)
            {
                RecordMissed(now, skipped);
                return;
            }

            var lateness = _schedule.ToTimeSpan(now - due.DueTimestamp);
            if (_addresses[slot] is not { } address)
            {
                _sink.Write(slot, due.DueOffset, PingStatus.ResolveFailed, null, lateness);
                return;
            }

            if (previousBusy)
            {
                _overlapping[slot] = PingOnOwnPingAsync(due, address, cancellationToken);
            }
            else
            {
                _inFlight[slot] = PingAsync(due, address, _pings[slot] ??= new Ping(), cancellationToken);
            }
        }

        private async Task PingOnOwnPingAsync(DueRound due, TargetAddress address, CancellationToken cancellationToken)
        {
            using var ping = new Ping();
            await PingAsync(due, address, ping, cancellationToken);
        }

        /// <summary>Runs on the scheduling thread up to its first await (the request leaves), then on the pool.</summary>
        private async Task PingAsync(DueRound due, TargetAddress address, Ping ping, CancellationToken cancellationToken)
        {
            var slot = due.Slot;
            var handedOver = Stopwatch.GetTimestamp();
            var lateness = _schedule.ToTimeSpan(handedOver - due.DueTimestamp);

            // Counted when handed to Ping: unlike a raw socket, it does not say whether anything left.
            _engine.Stats.RecordSent(lateness, handedOver);
            PingStatus status;
            TimeSpan? rtt = null;
            try
            {
                // Read last before the call, so the RTT holds nothing of the engine's own bookkeeping.
                var started = Stopwatch.GetTimestamp();
                var reply = await ping.SendPingAsync(address.Address, _timeouts[slot], UsablePayload.Value, null, cancellationToken);
                var measured = _schedule.ToTimeSpan(Stopwatch.GetTimestamp() - started);
                status = ToPingStatus(reply.Status);
                if (status == PingStatus.Ok)
                {
                    rtt = EstimateRtt(reply.RoundtripTime, measured);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is PingException or PlatformNotSupportedException or InvalidOperationException)
            {
                // Nothing awaits this task for its outcome: a failure becomes the round's SendFailed sample
                // (and one warning per target), never an exception lost in a faulted task.
                _sendFailures.Failed(slot, address.Address, e.InnerException?.Message ?? e.Message);
                _sink.Write(slot, due.DueOffset, PingStatus.SendFailed, null, lateness);
                return;
            }

            _sendFailures.Succeeded(slot);
            _sink.Write(slot, due.DueOffset, status, rtt, lateness);
        }

        private void RecordMissed(long now, string reason)
        {
            _engine.Stats.RecordMissedRound();
            _missedSinceLog++;
            if (_lastMissedLog == long.MinValue || _schedule.ToTimeSpan(now - _lastMissedLog) >= MissedLogInterval)
            {
                _engine.Logger.LogWarning(
                    "The ping scheduler fell behind: {Missed} rounds skipped rather than sent more than half an interval late (the last for {Reason})",
                    _missedSinceLog,
                    reason);
                _lastMissedLog = now;
                _missedSinceLog = 0;
            }
        }
    }
}
