using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>The probe's side of central management against a real HTTP server on 127.0.0.1 playing the backend.</summary>
public sealed class ManagedTargetsTests : IDisposable
{
    private const string ProbeId = "probe-managed";

    private readonly TempFolder _spool = new();
    private readonly TestProbe _probe = new(ProbeId);
    private readonly FakeTargetListBackend _backend;
    private readonly TestLog _log;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public ManagedTargetsTests(ITestOutputHelper output)
    {
        _log = new TestLog(output);
        _backend = new FakeTargetListBackend(_probe.PublicKey);
    }

    public void Dispose()
    {
        _http.Dispose();
        _backend.Dispose();
        _probe.Dispose();
        _spool.Dispose();
        _log.Dispose();
    }

    [Fact]
    public async Task A_served_list_runs_at_once_is_kept_on_disk_and_the_next_fetch_is_a_304()
    {
        var (service, live, _) = Create();
        _backend.Served = List("v1", Target("gw", "10.200.0.1"), Target("nas", "10.200.0.2"), Target("off", "10.200.0.3", enabled: false));

        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal(1, live.Current.Generation);
        Assert.Equal(["gw", "nas"], live.Current.Targets.Select(t => t.Name));
        Assert.All(live.Current.Targets, t => Assert.Equal(1, t.Generation));
        Assert.Equal("v1", live.Source.Version);
        Assert.Equal("v1", ManagedTargetFiles.LoadCache(_spool.Path, ProbeId, out _)!.Version);

        await service.FetchOnceAsync(CancellationToken.None);

        var requests = _backend.Requests.ToArray();
        Assert.All(requests, r => Assert.Null(r.SignatureProblem));
        Assert.All(requests, r => Assert.Equal($"/api/probes/{ProbeId}/target-list", r.Path));
        Assert.Equal([(null, 200), ("\"v1\"", 304)], requests.Select(r => (r.IfNoneMatch, r.Status)));
        Assert.Equal(1, live.Current.Generation);
    }

    [Fact]
    public async Task A_list_with_one_invalid_target_is_refused_whole_and_the_last_good_one_runs_on()
    {
        var (service, live, _) = Create();
        _backend.Served = List("v1", Target("gw", "10.200.0.1"));
        await service.FetchOnceAsync(CancellationToken.None);

        _backend.Served = List("v2", Target("gw", "10.200.0.1"), Target("new", "10.200.0.9"), Target("bad", "not a host!"));
        await service.FetchOnceAsync(CancellationToken.None);
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal(["gw"], live.Current.Targets.Select(t => t.Name));
        Assert.Equal("v1", live.Source.Version);
        Assert.Equal("v1", ManagedTargetFiles.LoadCache(_spool.Path, ProbeId, out _)!.Version);
        var refusal = Assert.Single(_log.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Contains("v2", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("target 2 ('bad') host", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_for_another_probe_is_refused()
    {
        var (service, live, _) = Create();
        _backend.Served = List("v1", Target("gw", "10.200.0.1")) with { ProbeId = "someone-else" };

        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal(0, live.Current.Generation);
        Assert.Contains("someone-else", Assert.Single(_log.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_starts_from_the_cached_list_and_keeps_it_while_the_backend_is_down()
    {
        await ManagedTargetFiles.SaveCacheAsync(_spool.Path, List("v7", Target("cached", "10.200.0.7")), CancellationToken.None);
        _backend.Dispose(); // nothing listens any more: connection refused

        var (service, live, _) = Create();
        Assert.Equal(["cached"], live.Current.Targets.Select(t => t.Name));
        Assert.Equal("v7", live.Source.Version);

        await service.FetchOnceAsync(CancellationToken.None);
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal(["cached"], live.Current.Targets.Select(t => t.Name));
        Assert.Single(_log.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning)); // once per outage, not per fetch
    }

    [Fact]
    public async Task Without_a_cached_list_or_a_managed_one_the_local_targets_run()
    {
        var (service, live, _) = Create();
        Assert.Equal(["local"], live.Current.Targets.Select(t => t.Name));

        await service.FetchOnceAsync(CancellationToken.None); // 404: no managed list

        Assert.Equal(["local"], live.Current.Targets.Select(t => t.Name));
        Assert.Null(live.Source.Version);
        Assert.Equal(404, Assert.Single(_backend.Requests).Status);
    }

    [Fact]
    public async Task The_clock_offset_is_the_probe_clock_minus_the_answer_Date()
    {
        var (service, _, status) = Create();
        _backend.Served = List("v1", Target("gw", "10.200.0.1"));
        _backend.Date = DateTimeOffset.UtcNow.AddSeconds(-90);

        await service.FetchOnceAsync(CancellationToken.None);

        Assert.InRange(status.ClockOffsetMs!.Value, 88_000, 92_000);
        Assert.Equal("v1", status.Current().TargetListVersion);
    }

    [Fact]
    public void An_invalid_cache_is_not_used()
    {
        File.WriteAllText(ManagedTargetFiles.CachePath(_spool.Path), "{ not json");

        Assert.Null(ManagedTargetFiles.LoadCache(_spool.Path, ProbeId, out var problem));
        Assert.Contains(ManagedTargetFiles.CacheFileName, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_stores_the_list_and_the_backend_so_the_next_run_is_managed_and_a_second_import_is_a_conflict()
    {
        var client = new TargetListClient(_http, _backend.ApiUrl, new BatchSigner(ProbeId, _probe.Key), TimeProvider.System);
        var list = List("", Target("gw", "10.200.0.1"));
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await NetPulse.Probe.Cli.ImportTargetsCommand.ImportAsync(client, _backend.ApiUrl, _spool.Path, list, output, error, CancellationToken.None));

        Assert.Equal("imported-1", ManagedTargetFiles.LoadCache(_spool.Path, ProbeId, out _)!.Version);
        Assert.Equal(_backend.ApiUrl, ManagedTargetFiles.LoadBackend(_spool.Path));
        Assert.Equal(("PUT", 201), _backend.Requests.Select(r => (r.Method, r.Status)).Single());
        Assert.Contains("imported 1 targets", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(1, await NetPulse.Probe.Cli.ImportTargetsCommand.ImportAsync(client, _backend.ApiUrl, _spool.Path, list, output, error, CancellationToken.None));
        Assert.Contains("already manages targets", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_says_so_when_the_backend_cannot_be_reached()
    {
        _backend.Dispose();
        var client = new TargetListClient(_http, _backend.ApiUrl, new BatchSigner(ProbeId, _probe.Key), TimeProvider.System);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(1, await NetPulse.Probe.Cli.ImportTargetsCommand.ImportAsync(client, _backend.ApiUrl, _spool.Path, List("", Target("gw", "10.200.0.1")), output, error, CancellationToken.None));

        Assert.Contains("cannot reach", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(ManagedTargetFiles.BackendPath(_spool.Path)));
    }

    private (ManagedTargetsService Service, LiveTargets Live, ProbeStatusReporter Status) Create()
    {
        var options = new ProbeOptions
        {
            Id = ProbeId,
            Spool = { Path = _spool.Path },
            Backend = { ApiUrl = _backend.ApiUrl },
            Targets = [new TargetOptions { Name = "local", Host = "10.200.0.100" }],
        };
        var live = ProbePipeline.CreateLiveTargets(options, _log.For<LiveTargets>());
        var spool = new BatchSpool(Options.Create(options), TimeProvider.System, _log.For<BatchSpool>());
        var status = new ProbeStatusReporter(Options.Create(options), new NamedEngine(), spool, live);
        var signer = new BatchSigner(ProbeId, _probe.Key);
        var client = new TargetListClient(_http, _backend.ApiUrl, signer, TimeProvider.System);
        return (new ManagedTargetsService(Options.Create(options), live, client, new TargetListSignal(_http, TimeProvider.System), status, TimeProvider.System, _log.For<ManagedTargetsService>()), live, status);
    }

    internal static ManagedTargetList List(string version, params ManagedTarget[] targets) => new() { ProbeId = ProbeId, Version = version, Targets = targets };

    internal static ManagedTarget Target(string name, string host, bool enabled = true, int intervalMs = 1000) =>
        new(new TargetSettings { Name = name, Host = host, IntervalMs = intervalMs }, enabled);
}
