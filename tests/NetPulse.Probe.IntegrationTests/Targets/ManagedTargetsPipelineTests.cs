using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Targets;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Targets;

/// <summary>
/// The probe's pipeline in-process (raw-socket engine, batcher, spool, the managed-targets fetcher) pinging hosts in a
/// network namespace, with a real HTTP server on 127.0.0.1 playing the backend's target-list route. Fetches every 5 s
/// (Probe:Backend:RefreshSeconds), so each change must show in the batches well within the 60 s the issue promises.
/// </summary>
public sealed class ManagedTargetsPipelineTests(ITestOutputHelper output) : IDisposable
{
    private const string ProbeId = "managed-pipeline";

    /// <summary>What the issue promises for a change of the managed list to show in the pings.</summary>
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(60);

    private readonly string _spool = Directory.CreateTempSubdirectory("netpulse-managed-").FullName;
    private readonly TestProbe _probe = new(ProbeId);
    private readonly ConcurrentQueue<PingBatch> _batches = new();

    public void Dispose()
    {
        _probe.Dispose();
        Directory.Delete(_spool, recursive: true);
    }

    [RootFact]
    public async Task Starts_from_the_cached_list_with_the_backend_down_then_follows_added_disabled_and_refused_lists()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync(2);
        var (a, b) = (network.TargetAddresses[0].ToString(), network.TargetAddresses[1].ToString());
        await ManagedTargetFiles.SaveCacheAsync(_spool, List("v1", Target("ns-a", a)), CancellationToken.None);
        var port = FakeTargetListBackend.FreePort();
        var log = new TestLog(output, LogLevel.Information);
        var options = new ProbeOptions
        {
            Id = ProbeId,
            IntervalSeconds = 1,
            TimeoutMs = 500,
            Spool = { Path = _spool },
            Backend = { ApiUrl = new Uri($"http://127.0.0.1:{port}/api"), RefreshSeconds = 5 },
            Batching = { CalmWindow = TimeSpan.FromSeconds(10), UrgentWindow = TimeSpan.FromSeconds(1), CalmAfter = TimeSpan.Zero },
            Targets = [new TargetOptions { Name = "local", Host = "127.0.0.9" }],
        };

        var live = ProbePipeline.CreateLiveTargets(options, log.For<LiveTargets>());
        var engine = new RawSocketPingEngine(new TargetResolver(), TimeSpan.FromMinutes(5), TimeProvider.System, log.For<RawSocketPingEngine>());
        var spool = new BatchSpool(Options.Create(options), TimeProvider.System, log.For<BatchSpool>()) { Spooled = b => _batches.Enqueue(PingBatchCodec.Decode(b.Body.Span)) };
        var status = new ProbeStatusReporter(Options.Create(options), engine, spool, live);
        var channel = new SampleChannel();
        var batcher = new Batcher(channel, spool, live, Options.Create(options), TimeProvider.System, log.For<Batcher>(), status);
        var worker = new PingWorker(engine, live, channel, TimeProvider.System, log.For<PingWorker>());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var signer = new BatchSigner(ProbeId, ECDsaCopy());
        var fetcher = new ManagedTargetsService(Options.Create(options), live, new TargetListClient(http, options.Backend.ApiUrl, signer, TimeProvider.System), new TargetListSignal(http, TimeProvider.System), status, TimeProvider.System, log.For<ManagedTargetsService>());

        using var stop = new CancellationTokenSource();
        var batching = batcher.RunAsync(stop.Token);
        await worker.StartAsync(stop.Token);
        await fetcher.StartAsync(stop.Token);
        try
        {
            // The backend is down: the cached list runs.
            await WaitForAsync(() => Replies("ns-a", DateTimeOffset.MinValue) >= 3, TimeSpan.FromSeconds(30), "the cached list's target answers");
            Assert.Equal(0, Replies("local", DateTimeOffset.MinValue));

            // The backend comes up with a target added.
            using var backend = new FakeTargetListBackend(_probe.PublicKey, port) { Served = List("v2", Target("ns-a", a), Target("ns-b", b)) };
            var added = DateTimeOffset.UtcNow;
            await WaitForAsync(() => Replies("ns-b", added) >= 1, Promise, "the added target is pinged");
            output.WriteLine($"added target pinged {(DateTimeOffset.UtcNow - added).TotalSeconds:0.0} s after the change");
            Assert.Contains(_batches, batch => batch.Status is { TargetListVersion: "v2", IcmpEngine: RawSocketPingEngine.EngineName, ClockOffsetMs: not null });

            // Disabled: its rounds stop, the other target's go on.
            backend.Served = List("v3", Target("ns-a", a), Target("ns-b", b, enabled: false));
            var disabled = DateTimeOffset.UtcNow;
            await WaitForAsync(() => LastRound("ns-b") is { } last && Replies("ns-a", last.AddSeconds(5)) >= 3, Promise, "the disabled target stops");
            var lastB = LastRound("ns-b")!.Value;
            output.WriteLine($"disabled target's last round {(lastB - disabled).TotalSeconds:0.0} s after the change");
            Assert.True(lastB - disabled < Promise, $"the disabled target was still pinged {(lastB - disabled).TotalSeconds:0} s after the change");

            // One invalid target: the list is refused whole and v3 runs on.
            var generation = live.Current.Generation;
            backend.Served = List("v4", Target("ns-a", a), Target("ns-b", b), Target("bad", "not a host!"));
            var refused = DateTimeOffset.UtcNow;
            await WaitForAsync(() => backend.Requests.Count(r => r.Status == 200) >= 3, TimeSpan.FromSeconds(30), "the invalid list is fetched");
            var fetched = DateTimeOffset.UtcNow;
            await WaitForAsync(() => Replies("ns-a", fetched.AddSeconds(3)) >= 3, Promise, "the running list goes on after the refusal");
            Assert.Equal(generation, live.Current.Generation);
            Assert.Equal("v3", live.Source.Version);
            Assert.Equal(0, Replies("ns-b", refused));
            Assert.Contains(log.AtLeast(LogLevel.Warning), e => e.Message.Contains("Refused the managed target list v4", StringComparison.Ordinal));
            Assert.Equal("v3", ManagedTargetFiles.LoadCache(_spool, ProbeId, out _)!.Version);
        }
        finally
        {
            await fetcher.StopAsync(CancellationToken.None);
            await worker.StopAsync(CancellationToken.None);
            await stop.CancelAsync();
            await batching;
        }
    }

    private System.Security.Cryptography.ECDsa ECDsaCopy()
    {
        var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportParameters(_probe.Key.ExportParameters(includePrivateParameters: true));
        return key;
    }

    private IEnumerable<(string Target, DateTimeOffset At, int Value)> Rounds() =>
        _batches.ToArray().SelectMany(batch => batch.Targets.SelectMany(t => t.Samples.Select(s => (t.Name, batch.WindowStart.AddMilliseconds(s.OffsetMs), s.Value))));

    private int Replies(string target, DateTimeOffset after) =>
        Rounds().Count(r => r.Target == target && r.At > after && SampleValue.IsSuccess(r.Value));

    private DateTimeOffset? LastRound(string target) =>
        Rounds().Where(r => r.Target == target).Select(r => (DateTimeOffset?)r.At).Max();

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

    private static ManagedTargetList List(string version, params ManagedTarget[] targets) => new() { ProbeId = ProbeId, Version = version, Targets = targets };

    private static ManagedTarget Target(string name, string host, bool enabled = true) =>
        new(new TargetSettings { Name = name, Host = host, IntervalMs = 1000 }, enabled, timeoutMs: 500);
}
