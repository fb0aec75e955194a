using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>
/// A ping engine on the wire, against targets in a network namespace: its round-trip times against
/// fping's, its losses against the responder's drop pattern, and an outage made by cutting the link.
/// Each engine gets a subclass; both sit in the <see cref="WireTiming"/>, since their RTT checks
/// have millisecond windows that busy neighbours would break.
/// </summary>
public abstract class EngineWireTests(ITestOutputHelper output)
{
    private const int Rounds = 20;
    private const double LossShare = 0.1;
    private static readonly TimeSpan ResponderDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    protected ITestOutputHelper Output { get; } = output;

    [FpingFact]
    public async Task Median_round_trip_agrees_with_fping_and_losses_follow_the_set_share()
    {
        // A median off by more than the tolerance is measured once more, in a new namespace, and the second run is
        // judged: on this 2-core VM a whole run of the raw engine was once 1.2 ms behind fping (every round alike, a
        // thread woken late), where runs before and after it were within 0.1 ms. A real error of the engine misses
        // in both runs; the goal itself is unchanged.
        var first = await MeasureAsync();
        var judged = first.WithinTolerance(RttToleranceMilliseconds) ? first : await MeasureAsync();

        // The responder drops the 10th and the 20th request of each address.
        int[] expectedLost = [10, 20];
        Assert.Equal(expectedLost, LostRounds(judged.FpingRounds.Select(rtt => rtt.HasValue)));
        var engineLost = LostRounds(judged.Samples.Select(s => s.IsSuccess));
        Assert.Subset(engineLost.ToHashSet(), expectedLost.ToHashSet());
        Assert.True(
            engineLost.Length - expectedLost.Length <= UnexplainedLossAllowance,
            $"the engine lost rounds {string.Join(", ", engineLost)} where the responder dropped {string.Join(", ", expectedLost)} (allowed besides: {UnexplainedLossAllowance})");
        Assert.All(judged.Samples.Where(s => !s.IsSuccess), s => Assert.Equal(PingStatus.Timeout, s.Status));
        // Never below the responder's delay; the load of a 2-core machine may make it 2 ms late. The engine's
        // own error is judged against fping, which ran at the same time under the same load.
        Assert.InRange(judged.EngineMedian, ResponderDelay.TotalMilliseconds, ResponderDelay.TotalMilliseconds + 2);
        Assert.InRange(judged.EngineMedian - judged.FpingMedian, -RttToleranceMilliseconds, RttToleranceMilliseconds);
    }

    /// <summary>One measurement: fping and the engine at once, each on its own address of a new namespace host.</summary>
    private async Task<WireMeasurement> MeasureAsync()
    {
        await using var host = await CreateHostAsync(targetCount: 2);
        await using var responder = await IcmpResponder.StartAsync(host, EchoBehavior.After(ResponderDelay, LossShare));

        // fping and the engine at the same time, each on its own address with the same settings: both see
        // the same drop pattern and the same machine load.
        var fpingAddress = host.TargetAddresses[0];
        var engineAddress = host.TargetAddresses[1];
        var fping = Fping.PingAsync([fpingAddress], Rounds, Interval, Timeout, from: host);
        IReadOnlyList<PingSample> samples;
        await using (var run = EngineRun.Start(CreateEngine(host), [EngineRun.Target(0, engineAddress, Timeout)]))
        {
            samples = (await run.WaitForSamplesAsync(0, Rounds, Interval * (Rounds + 10))).Take(Rounds).ToList();
        }

        var fpingRounds = (await fping)[fpingAddress];
        var measurement = new WireMeasurement(
            samples,
            fpingRounds,
            RoundTrips.MedianMilliseconds(samples.Where(s => s.IsSuccess).Select(s => s.Rtt!.Value)),
            RoundTrips.MedianMilliseconds(fpingRounds));
        Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"median RTT over {Rounds} rounds at {ResponderDelay.TotalMilliseconds} ms: engine {measurement.EngineMedian:F3} ms, fping {measurement.FpingMedian:F3} ms, difference {measurement.EngineMedian - measurement.FpingMedian:F3} ms"));
        Output.WriteLine(string.Join(", ", samples.Select((s, i) => (s, i)).Where(x => !x.s.IsSuccess).Select(x => string.Create(
            CultureInfo.InvariantCulture, $"round {x.i + 1} {x.s.Status} late {x.s.Lateness.TotalMilliseconds:F1} ms at {x.s.ScheduledAt:HH:mm:ss.fff}"))));
        return measurement;
    }

    private sealed record WireMeasurement(IReadOnlyList<PingSample> Samples, IReadOnlyList<TimeSpan?> FpingRounds, double EngineMedian, double FpingMedian)
    {
        public bool WithinTolerance(double toleranceMilliseconds) => Math.Abs(EngineMedian - FpingMedian) <= toleranceMilliseconds;
    }

    [RootFact]
    public async Task A_cut_link_shows_as_failures_between_successes_and_no_round_is_missing()
    {
        await using var host = await CreateHostAsync(targetCount: 1);
        IReadOnlyList<PingSample> samples;
        await using (var run = EngineRun.Start(CreateEngine(host), [EngineRun.Target(0, host.TargetAddress, Timeout)]))
        {
            var wait = Interval * 10;
            var before = (await run.WaitForSamplesAsync(0, 3, wait)).Count;
            await host.TakeLinkDownAsync();
            var during = (await run.WaitForSamplesAsync(0, before + 4, wait)).Count;
            await host.BringLinkUpAsync();
            samples = await run.WaitForSamplesAsync(0, during + 3, wait);
        }

        var pattern = string.Concat(samples.Select(s => s.IsSuccess ? 'S' : 'F'));
        Output.WriteLine($"rounds: {pattern} ({string.Join(", ", samples.Where(s => !s.IsSuccess).Select(s => s.Status).Distinct())})");

        Assert.Matches("^S{3,}F{3,}S{2,}$", pattern);

        // A dead line times out; a stray ICMP error from a router on the way is acceptable. Nothing else is:
        // the fixture keeps the route, so sending never fails.
        Assert.All(
            samples.Where(s => !s.IsSuccess),
            s => Assert.Contains(s.Status, new[] { PingStatus.Timeout, PingStatus.TtlExpired, PingStatus.Unreachable }));
        Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.Equal(Interval, pair.Second.ScheduledAt - pair.First.ScheduledAt));
    }

    /// <summary>How far the engine's median round trip may lie from fping's.</summary>
    protected abstract double RttToleranceMilliseconds { get; }

    /// <summary>Rounds of the run the engine may lose besides the ones the responder dropped: none, unless said why.</summary>
    protected virtual int UnexplainedLossAllowance => 0;

    /// <summary>An engine that pings from where <paramref name="host"/>'s pinger is.</summary>
    protected abstract IPingEngine CreateEngine(NetworkNamespaceHost host);

    /// <summary>The targets' namespace, with the pinger (the engine and fping) in the root namespace unless a subclass says otherwise.</summary>
    protected virtual Task<NetworkNamespaceHost> CreateHostAsync(int targetCount) => NetworkNamespaceHost.CreateAsync(targetCount);

    private static int[] LostRounds(IEnumerable<bool> answered) =>
        answered.Select((ok, index) => (ok, round: index + 1)).Where(r => !r.ok).Select(r => r.round).ToArray();
}

[Collection(WireTiming.Name)]
public sealed class RawSocketEngineWireTests(ITestOutputHelper output) : EngineWireTests(output)
{
    /// <summary>The design's goal for the probe. Measured here: within 0.01-0.11 ms.</summary>
    protected override double RttToleranceMilliseconds => 0.5;

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => new RawSocketPingEngine(
        new TargetResolver(), TimeSpan.FromMinutes(5), TimeProvider.System, new TestLog(Output, LogLevel.Information).For<RawSocketPingEngine>());
}

[Collection(WireTiming.Name)]
public sealed class PingClassEngineWireTests(ITestOutputHelper output) : EngineWireTests(output)
{
    /// <summary>
    /// Wider than the raw engine's 0.5 ms on purpose: Ping reports whole milliseconds, so the fallback times
    /// each round with its own stopwatch, which also counts Ping's per-request socket work and the async
    /// hand-off. Measured here: 0.40-0.56 ms above fping on an idle 2-core machine, but 1.2-1.5 ms in three of
    /// about ten runs while other builds shared the two cores (a stopwatch around a managed call is only as exact
    /// as the scheduler). 2 ms still fails a fallback that times anything but the round (a timeout, a retry, a
    /// second request: each adds whole milliseconds or more), and the raw engine keeps its 0.5 ms.
    /// </summary>
    protected override double RttToleranceMilliseconds => 2.0;

    /// <summary>
    /// One: a fresh-clone CI run (2 cores, this collection alone) once saw the fallback time out round 13 of 20 at
    /// 500 ms while fping, at the same time and through the same responder, got its answer; three runs alone right
    /// after lost nothing. Ping opens a raw socket per request and waits for its reply on the thread pool, so a
    /// stall of the test process shows as a lost round, which fping in its own process does not see. The raw
    /// engine, the probe's path wherever it may open a raw socket, keeps no allowance.
    /// </summary>
    protected override int UnexplainedLossAllowance => 1;

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => new PingClassPingEngine(
        new TargetResolver(), TimeSpan.FromMinutes(5), TimeProvider.System, new TestLog(Output, LogLevel.Information).For<PingClassPingEngine>());
}

[Collection(WireTiming.Name)]
public sealed class DatagramSocketEngineWireTests(ITestOutputHelper output) : EngineWireTests(output)
{
    /// <summary>The raw engine's: the same loop with the same kernel receive stamps, only the socket differs.</summary>
    protected override double RttToleranceMilliseconds => 0.5;

    /// <summary>
    /// The pinger gets a namespace of its own with net.ipv4.ping_group_range open, since root's namespace keeps it
    /// closed here (and is never changed): a range that is closed refuses even root an ICMP datagram socket.
    /// </summary>
    protected override Task<NetworkNamespaceHost> CreateHostAsync(int targetCount) =>
        NetworkNamespaceHost.CreateWithDatagramPingerAsync(targetCount);

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => new DatagramSocketPingEngine(
        new TargetResolver(),
        TimeSpan.FromMinutes(5),
        TimeProvider.System,
        new TestLog(Output, LogLevel.Information).For<DatagramSocketPingEngine>(),
        host.CreateDatagramIcmpSocketInPinger);
}
