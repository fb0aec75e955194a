using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Paths;

/// <summary>
/// The probe's pipeline in-process (ping engine, batcher, spool, path snapshot scheduler with the raw-socket prober)
/// inside the probe namespace of a router chain (probe → r1 → r2 → r3 → dest), pinging the destination. The test drops
/// half the echo requests r2 forwards: the pings start failing, the batcher sees trouble begin, a snapshot is taken in
/// the background, and a batch carries it, naming r3 as the first hop from which loss persists.
/// </summary>
/// <remarks>
/// The ping engine is the datagram one, with its sockets made in the probe namespace (whose ping_group_range the test
/// opens): the raw engine makes its socket itself, in the test's own namespace, where the chain is not. The path
/// prober's raw sockets are made in the probe namespace too.
/// </remarks>
public sealed class TroubleSnapshotPipelineTests(ITestOutputHelper output) : IDisposable
{
    private const string ProbeId = "paths-pipeline";

    private readonly string _spool = Directory.CreateTempSubdirectory("netpulse-paths-").FullName;
    private readonly ConcurrentQueue<(DateTimeOffset At, PingBatch Batch)> _batches = new();

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    [RootFact]
    public async Task Loss_after_r2_makes_a_trouble_snapshot_that_rides_in_a_batch_and_names_r3()
    {
        await using var chain = await RouterChain.CreateAsync();
        var sysctl = NetworkEnvironment.RequireTool("sysctl", "procps");
        var range = await chain.RunInProbeAsync(sysctl, ["-q", "-w", "net.ipv4.ping_group_range=0 2147483647"]);
        Assert.True(range.ExitCode == 0, $"sysctl in the probe namespace: {range.StandardError}");
        var destination = chain.Destination(ipv6: false).ToString();
        var hops = chain.ExpectedHops(ipv6: false).Select(a => a.ToString()).ToList();

        var log = new TestLog(output, LogLevel.Information);
        var options = new ProbeOptions
        {
            Id = ProbeId,
            IntervalSeconds = 1,
            TimeoutMs = 500,
            Spool = { Path = _spool },
            // Calm from the start, with the shipped 60 s calm window: the snapshot must not wait for it.
            Batching = { CalmWindow = TimeSpan.FromSeconds(60), UrgentWindow = TimeSpan.FromSeconds(10), CalmAfter = TimeSpan.Zero },
            Paths = { Cycles = 20 },
            Targets = [new TargetOptions { Name = "dest", Host = destination }],
        };

        var live = new LiveTargets(TargetList.From(options));
        var engine = new DatagramSocketPingEngine(
            new TargetResolver(),
            TimeSpan.FromMinutes(5),
            TimeProvider.System,
            log.For<DatagramSocketPingEngine>(),
            family => chain.CreateSocketInProbe(family, SocketType.Dgram, family == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp));
        var prober = new PathProber(
            TimeProvider.System,
            log.For<PathProber>(),
            family => chain.CreateSocketInProbe(family, SocketType.Raw, family == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp));

        // The shipped pace but for the cycle interval: 20 cycles a tenth of a second apart keep the test short.
        var pace = PathSnapshotScheduler.ProbeOptionsFor(options.Paths) with { CycleInterval = TimeSpan.FromMilliseconds(100), MaxHops = 10 };
        using var scheduler = new PathSnapshotScheduler(
            options.Paths, new FinishedPathSnapshots(), live, TimeProvider.System, log.For<PathSnapshotScheduler>(), new RawPathTracer(prober, new TargetResolver(), pace), unavailable: null);
        var spool = new BatchSpool(Options.Create(options), TimeProvider.System, log.For<BatchSpool>())
        {
            Spooled = b => _batches.Enqueue((DateTimeOffset.UtcNow, PingBatchCodec.Decode(b.Body.Span))),
        };
        var status = new ProbeStatusReporter(Options.Create(options), engine, spool, live);
        var channel = new SampleChannel();
        var batcher = new Batcher(channel, spool, live, Options.Create(options), TimeProvider.System, log.For<Batcher>(), status, scheduler);
        var worker = new PingWorker(engine, live, channel, TimeProvider.System, log.For<PingWorker>());

        using var stop = new CancellationTokenSource();
        await scheduler.StartAsync(stop.Token);
        var batching = batcher.RunAsync(stop.Token);
        await worker.StartAsync(stop.Token);
        try
        {
            await WaitForAsync(() => engine.Stats.Snapshot().Received >= 3, TimeSpan.FromSeconds(30), "the destination answers");
            Assert.Equal(0, scheduler.Finished.Count);

            await chain.RunOnRouterAsync(
                2,
                NetworkEnvironment.RequireTool("iptables", "iptables"),
                ["-A", "FORWARD", "-o", RouterChain.Downlink, "-p", "icmp", "--icmp-type", "echo-request", "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "DROP"]);
            var dropped = DateTimeOffset.UtcNow;

            await WaitForAsync(() => TroubleSnapshot() is not null, TimeSpan.FromSeconds(45), "a batch carries a trouble snapshot of dest");
            var (arrived, snapshot) = TroubleSnapshot()!.Value;
            output.WriteLine($"loss from {dropped:HH:mm:ss.fff}; the batch with the snapshot spooled {(arrived - dropped).TotalSeconds:0.0} s later");
            output.WriteLine(PathReport.Format(snapshot, chain.ProbeNamespace));

            Assert.Equal((ProbeId, "dest", destination), (_batches.First().Batch.ProbeId, snapshot.Target, snapshot.Destination));
            Assert.True(snapshot.ReachedDestination);
            Assert.Equal(hops, snapshot.Hops.Select(h => h.Address));
            Assert.All(snapshot.Hops, hop => Assert.Equal(20, hop.Sent));
            Assert.Equal([0.0, 0.0], snapshot.Hops.Take(2).Select(h => h.LossPercent));
            var finding = PathAnalysis.FirstPersistentLossHop(snapshot);
            Assert.Equal((3, hops[2]), (finding?.Ttl, finding?.Address));

            // Well before the 60 s calm window: trouble shortens the windows and the snapshot makes its batch due.
            Assert.True(arrived - dropped < TimeSpan.FromSeconds(30), $"the snapshot came {(arrived - dropped).TotalSeconds:0} s after the loss began");

            // One per target per cooldown: the loss goes on, no second trouble snapshot follows.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Single(_batches.SelectMany(b => b.Batch.Paths ?? []));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            await stop.CancelAsync();
            await batching;
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    private (DateTimeOffset At, PathSnapshot Snapshot)? TroubleSnapshot() =>
        _batches
            .SelectMany(b => (b.Batch.Paths ?? []).Select(p => (b.At, Snapshot: p)))
            .Where(p => p.Snapshot.Target == "dest" && p.Snapshot.Reason == PathSnapshotReason.Trouble)
            .Select(p => ((DateTimeOffset, PathSnapshot)?)p)
            .FirstOrDefault();

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(200);
        }
    }
}
