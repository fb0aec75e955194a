using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// Both engines against what a network sends back besides clean replies, made for real in a network
/// namespace (10.200.N.0/24, nothing leaves the machine): ICMP errors quoting the request, duplicates,
/// replies from the wrong address, replies that come after their round's timeout.
/// </summary>
public abstract class EngineOnTheWireTests(ITestOutputHelper output)
{
    private const int Rounds = 3;

    protected ITestOutputHelper Output { get; } = output;

    public virtual async Task Errors_duplicates_and_strangers_each_get_their_own_status()
    {
        await using var host = await CreateHostAsync(targetCount: 5);
        var unreachable = host.TargetAddresses[1];
        var timeExceeded = host.TargetAddresses[2];
        var duplicate = host.TargetAddresses[3];
        var wrongSource = host.TargetAddresses[4];
        await using var peer = await ScriptedIcmpPeer.StartAsync(host, new Dictionary<IPAddress, PeerScript>
        {
            [unreachable] = PeerScript.Unreachable,
            [timeExceeded] = PeerScript.TimeExceeded,
            [duplicate] = PeerScript.Duplicate,
            [wrongSource] = PeerScript.WrongSource,
        });

        var engine = CreateEngine(host);
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        // The errors come from a peer in user space: 700 ms (of the 1 s interval) leaves it room on a busy CI machine,
        // where 300 ms once turned an unreachable answer into a timeout.
        await using (var run = EngineHarness.Start(engine, TimeSpan.FromMilliseconds(700), unreachable, timeExceeded, duplicate, wrongSource))
        {
            byTarget = await run.WaitForSamplesAsync(4, Rounds);
        }

        var stats = engine.Stats.Snapshot();
        Output.WriteLine(string.Join("\n", byTarget.Select((samples, i) => $"target {i}: {string.Join(", ", samples.Select(s => s.Status))}")));
        Output.WriteLine(stats.ToString());
        Assert.All(byTarget[0], s => Assert.Contains(s.Status, StatusesFor(PingStatus.Unreachable)));
        Assert.All(byTarget[1], s => Assert.Equal(PingStatus.TtlExpired, s.Status));
        Assert.All(byTarget[2], s => Assert.Equal(PingStatus.Ok, s.Status));
        Assert.All(byTarget[3], s => Assert.Equal(PingStatus.Timeout, s.Status));
        Assert.All(byTarget, samples => Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.Equal(EngineHarness.Interval, pair.Second.ScheduledAt - pair.First.ScheduledAt)));
        AssertUnexpectedReplies(stats, atLeast: 2 * Rounds);
    }

    public virtual async Task A_reply_after_its_rounds_timeout_counts_for_no_round()
    {
        await using var host = await CreateHostAsync(targetCount: 1);

        // Each reply comes 1.3 s after its request: after its own round's 300 ms timeout, and in the middle of the next round.
        await using var responder = await IcmpResponder.StartAsync(host, EchoBehavior.After(TimeSpan.FromMilliseconds(1300)));
        var engine = CreateEngine(host);
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(engine, TimeSpan.FromMilliseconds(300), host.TargetAddress))
        {
            byTarget = await run.WaitForSamplesAsync(1, Rounds + 2);
        }

        var stats = engine.Stats.Snapshot();
        Output.WriteLine(stats.ToString());
        Assert.All(byTarget[0], s => Assert.Equal(PingStatus.Timeout, s.Status));
        Assert.True(responder.CountsFor(host.TargetAddress).Replies >= Rounds, "the responder should have answered");
        AssertUnexpectedReplies(stats, atLeast: Rounds - 1);
    }

    /// <summary>An engine that pings from where <paramref name="host"/>'s pinger is.</summary>
    protected abstract IPingEngine CreateEngine(NetworkNamespaceHost host);

    /// <summary>The targets' namespace, with the engine in the root namespace unless a subclass says otherwise.</summary>
    protected virtual Task<NetworkNamespaceHost> CreateHostAsync(int targetCount) => NetworkNamespaceHost.CreateAsync(targetCount);

    /// <summary>The statuses the engine may report for a round whose true outcome is <paramref name="truth"/>.</summary>
    protected abstract PingStatus[] StatusesFor(PingStatus truth);

    /// <summary>Only the raw engine sees the replies that match no round; <c>Ping</c> discards them unseen.</summary>
    protected abstract void AssertUnexpectedReplies(PingEngineStatsSnapshot stats, int atLeast);

    protected PingEngineFactory CreateFactory() =>
        new(new TargetResolver(), Options.Create(new ProbeOptions()), TimeProvider.System, new TestLog(Output, LogLevel.Debug));
}

public sealed class RawSocketEngineOnTheWireTests(ITestOutputHelper output) : EngineOnTheWireTests(output)
{
    [RootFact]
    public override Task Errors_duplicates_and_strangers_each_get_their_own_status() =>
        base.Errors_duplicates_and_strangers_each_get_their_own_status();

    [RootFact]
    public override Task A_reply_after_its_rounds_timeout_counts_for_no_round() =>
        base.A_reply_after_its_rounds_timeout_counts_for_no_round();

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => CreateFactory().Create(PingEngineChoice.RawSocket);

    protected override PingStatus[] StatusesFor(PingStatus truth) => [truth];

    protected override void AssertUnexpectedReplies(PingEngineStatsSnapshot stats, int atLeast) =>
        Assert.True(stats.UnexpectedReplies >= atLeast, $"{stats.UnexpectedReplies} unexpected replies, expected at least {atLeast}");
}

public sealed class PingClassEngineOnTheWireTests(ITestOutputHelper output) : EngineOnTheWireTests(output)
{
    [RootFact]
    public override Task Errors_duplicates_and_strangers_each_get_their_own_status() =>
        base.Errors_duplicates_and_strangers_each_get_their_own_status();

    [RootFact]
    public override Task A_reply_after_its_rounds_timeout_counts_for_no_round() =>
        base.A_reply_after_its_rounds_timeout_counts_for_no_round();

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => CreateFactory().Create(PingEngineChoice.PingClass);

    /// <summary>
    /// .NET 10's Ping on Linux (raw socket, as root) reports a destination-unreachable from a router as
    /// TtlExpired (measured: ICMP 3/1 from 10.200.N.2 came back as IPStatus.TtlExpired); still a failure, never
    /// a reply or a timeout. The raw engine tells the two apart.
    /// </summary>
    protected override PingStatus[] StatusesFor(PingStatus truth) =>
        truth == PingStatus.Unreachable ? [PingStatus.Unreachable, PingStatus.TtlExpired] : [truth];

    protected override void AssertUnexpectedReplies(PingEngineStatsSnapshot stats, int atLeast) =>
        Assert.Equal(0, stats.UnexpectedReplies);
}

/// <summary>
/// The datagram engine in a pinger namespace with net.ipv4.ping_group_range open (root's stays closed): its socket
/// gets no ICMP errors as datagrams, so these prove the error queue is read and matched like a raw socket's errors.
/// </summary>
public sealed class DatagramSocketEngineOnTheWireTests(ITestOutputHelper output) : EngineOnTheWireTests(output)
{
    [RootFact]
    public override Task Errors_duplicates_and_strangers_each_get_their_own_status() =>
        base.Errors_duplicates_and_strangers_each_get_their_own_status();

    [RootFact]
    public override Task A_reply_after_its_rounds_timeout_counts_for_no_round() =>
        base.A_reply_after_its_rounds_timeout_counts_for_no_round();

    [RootFact]
    public async Task Both_families_answer_each_on_its_own_socket_and_identifier()
    {
        // Loopback inside the pinger namespace: the ICMPv6 datagram socket gets a port (identifier) of its own.
        await using var host = await CreateHostAsync(targetCount: 1);
        var engine = CreateEngine(host);
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(engine, TimeSpan.FromMilliseconds(300), IPAddress.Loopback, IPAddress.IPv6Loopback, host.TargetAddress))
        {
            byTarget = await run.WaitForSamplesAsync(3, 3);
        }

        var stats = engine.Stats.Snapshot();
        Output.WriteLine(stats.ToString());
        Assert.All(byTarget, samples => Assert.All(samples, s => Assert.Equal(PingStatus.Ok, s.Status)));
        Assert.All(byTarget.SelectMany(samples => samples), s => Assert.InRange(s.Rtt!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(0, stats.UnexpectedReplies + stats.ForeignMessages + stats.SendFailed);
    }

    protected override Task<NetworkNamespaceHost> CreateHostAsync(int targetCount) =>
        NetworkNamespaceHost.CreateWithDatagramPingerAsync(targetCount);

    protected override IPingEngine CreateEngine(NetworkNamespaceHost host) => new DatagramSocketPingEngine(
        new TargetResolver(),
        TimeSpan.FromMinutes(5),
        TimeProvider.System,
        new TestLog(Output, LogLevel.Debug).For<DatagramSocketPingEngine>(),
        host.CreateDatagramIcmpSocketInPinger);

    protected override PingStatus[] StatusesFor(PingStatus truth) => [truth];

    /// <summary>The kernel hands the socket every reply with its identifier (its port), whatever the source: late, duplicated and strange ones reach the engine, which counts them.</summary>
    protected override void AssertUnexpectedReplies(PingEngineStatsSnapshot stats, int atLeast) =>
        Assert.True(stats.UnexpectedReplies >= atLeast, $"{stats.UnexpectedReplies} unexpected replies, expected at least {atLeast}");
}
