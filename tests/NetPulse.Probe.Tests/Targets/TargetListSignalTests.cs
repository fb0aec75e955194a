using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>
/// The probe's refresh through the list signal: the signal blob in a real Azurite, read with a real SAS (signed here as
/// the backend signs it), and the signed fetch at the HTTP test backend, whose requests are the Function executions.
/// The service's clock is fake and starts at the real now, because Azurite checks the SAS against the real clock.
/// </summary>
public sealed class TargetListSignalTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string ProbeId = "probe-signal";

    private readonly TempFolder _spool = new();
    private readonly TestProbe _probe = new(ProbeId);
    private readonly FakeTargetListBackend _backend;
    private readonly TestLog _log;
    private readonly CountingHandler _storage = new();
    private readonly HttpClient _http;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BlobClient _blob;

    public TargetListSignalTests(AzuriteFixture azurite, ITestOutputHelper output)
    {
        _log = new TestLog(output);
        _backend = new FakeTargetListBackend(_probe.PublicKey);
        _http = new HttpClient(_storage) { Timeout = TimeSpan.FromSeconds(10) };
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("signals" + Guid.NewGuid().ToString("N")[..12]);
        container.CreateIfNotExists();
        _blob = container.GetBlobClient(ProbeId);
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
    public async Task Quiet_refreshes_read_the_signal_only_and_make_no_request_to_the_backend()
    {
        var (service, live) = Create();
        await ServeAsync("v1");

        await service.FetchOnceAsync(CancellationToken.None);
        for (var minute = 0; minute < 5; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(60));
            await service.FetchOnceAsync(CancellationToken.None);
        }

        Assert.Equal("v1", live.Source.Version);
        Assert.Equal([200], _backend.Requests.Select(r => r.Status));
        Assert.Equal([200, 304, 304, 304, 304], _storage.Statuses);
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Single(_log.Entries, e => e.Message.StartsWith("Watching the target list's signal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_reaches_the_probe_at_the_next_refresh_through_an_unconditional_fetch()
    {
        var (service, live) = Create();
        await ServeAsync("v1", Target("gw", "10.200.0.1"));
        await service.FetchOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);

        await ServeAsync("v2", Target("gw", "10.200.0.1"), Target("nas", "10.200.0.2"));
        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);
        var afterChange = live.Source.Version;
        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal("v2", afterChange);
        Assert.Equal(["gw", "nas"], live.Current.Targets.Select(t => t.Name));
        // The fetch the signal caused names no version: an instance's cached version cannot answer it 304.
        Assert.Equal([(null, 200), (null, 200)], _backend.Requests.Select(r => (r.IfNoneMatch, r.Status)));
        // Quiet (kept its ETag), changed (not kept), quiet at v2 (kept), 304.
        Assert.Equal([200, 200, 200, 304], _storage.Statuses);
    }

    [Fact]
    public async Task A_refused_signal_falls_back_to_the_signed_fetch_said_once_until_a_fetch_hands_out_a_working_one()
    {
        var (service, live) = Create();
        await ServeAsync("v1");
        var good = _backend.Signal!;
        _backend.Signal = new Uri(good.AbsoluteUri.Replace("sig=", "sig=AAAA", StringComparison.Ordinal));
        await service.FetchOnceAsync(CancellationToken.None);

        for (var minute = 0; minute < 2; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(60));
            await service.FetchOnceAsync(CancellationToken.None);
        }

        _backend.Signal = good;
        for (var minute = 0; minute < 3; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(60));
            await service.FetchOnceAsync(CancellationToken.None);
        }

        Assert.Equal("v1", live.Source.Version);
        // Start, then two refused looks each followed by a fetch, then one more refused look whose fetch brings the good SAS.
        Assert.Equal(4, _backend.Requests.Count);
        Assert.Equal([403, 403, 403, 200, 304], _storage.Statuses);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("403", StringComparison.Ordinal));
        Assert.Single(_log.Entries, e => e.Message.Contains("signal at", StringComparison.Ordinal) && e.Message.Contains("answers again", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("sig=", StringComparison.Ordinal) || e.Message.Contains("(null)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_signal_falls_back_to_the_signed_fetch_and_a_change_still_arrives()
    {
        var (service, live) = Create();
        _backend.Served = List("v1");
        _backend.Signal = new Uri($"http://127.0.0.1:{FakeTargetListBackend.FreePort()}/devstoreaccount1/c/{ProbeId}?sv=2024-08-04&se={Uri.EscapeDataString(_time.GetUtcNow().AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))}&sr=b&sp=r&sig=x");
        await service.FetchOnceAsync(CancellationToken.None);

        _backend.Served = List("v2", Target("gw", "10.200.0.1"));
        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal("v2", live.Source.Version);
        Assert.Equal([(null, 200), ("\"v1\"", 200)], _backend.Requests.Select(r => (r.IfNoneMatch, r.Status)));
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Cannot read the target list's signal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_signed_fetch_comes_every_FullFetchMinutes_however_quiet_the_signal()
    {
        var (service, _) = Create(fullFetchMinutes: 15);
        await ServeAsync("v1");
        await service.FetchOnceAsync(CancellationToken.None);

        for (var minute = 1; minute <= 15; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(60));
            await service.FetchOnceAsync(CancellationToken.None);
        }

        Assert.Equal([null, "\"v1\""], _backend.Requests.Select(r => r.IfNoneMatch));
        Assert.Equal(14, _storage.Statuses.Count);
    }

    [Fact]
    public async Task The_sas_is_renewed_by_a_signed_fetch_once_three_quarters_of_its_life_have_passed()
    {
        var (service, _) = Create(fullFetchMinutes: 1440);
        await ServeAsync("v1");
        await service.FetchOnceAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(18) - TimeSpan.FromMinutes(1));
        await service.FetchOnceAsync(CancellationToken.None);
        var before = (_backend.Requests.Count, _storage.Statuses.Count);
        _time.Advance(TimeSpan.FromMinutes(2));
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.Equal((1, 1), before);
        Assert.Equal((2, 1), (_backend.Requests.Count, _storage.Statuses.Count));
    }

    [Fact]
    public async Task The_backends_clock_is_recorded_from_the_signals_answers_too()
    {
        var (service, _, status) = CreateWithStatus();
        await ServeAsync("v1");
        _backend.Date = _time.GetUtcNow().AddMinutes(-10);
        await service.FetchOnceAsync(CancellationToken.None);
        var fromFetch = status.ClockOffsetMs;

        _time.Advance(TimeSpan.FromSeconds(60));
        await service.FetchOnceAsync(CancellationToken.None);

        Assert.InRange(fromFetch!.Value, 590_000, 610_000);
        // Azurite's Date is the real clock, which the fake one started at and is now a minute ahead of.
        Assert.InRange(status.ClockOffsetMs!.Value, 50_000, 70_000);
    }

    /// <summary>Serves <paramref name="version"/> at the backend and in the signal blob, with a 24-hour SAS for the blob as the backend makes it.</summary>
    private async Task ServeAsync(string version, params ManagedTarget[] targets)
    {
        _backend.Served = List(version, targets.Length > 0 ? targets : [Target("gw", "10.200.0.1")]);
        await _blob.UploadAsync(BinaryData.FromString(version), overwrite: true);
        // The backend signs with the storage service's clock in mind: Azurite checks against the real one.
        _backend.Signal ??= _blob.GenerateSasUri(new BlobSasBuilder(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(24))
        {
            BlobContainerName = _blob.BlobContainerName,
            BlobName = _blob.Name,
            Resource = "b",
            StartsOn = DateTimeOffset.UtcNow.AddMinutes(-5),
        });
    }

    private (ManagedTargetsService Service, LiveTargets Live) Create(int fullFetchMinutes = 15)
    {
        var (service, live, _) = CreateWithStatus(fullFetchMinutes);
        return (service, live);
    }

    private (ManagedTargetsService Service, LiveTargets Live, ProbeStatusReporter Status) CreateWithStatus(int fullFetchMinutes = 15)
    {
        var options = new ProbeOptions
        {
            Id = ProbeId,
            Spool = { Path = _spool.Path },
            Backend = { ApiUrl = _backend.ApiUrl, FullFetchMinutes = fullFetchMinutes },
            Targets = [new TargetOptions { Name = "local", Host = "10.200.0.100" }],
        };
        var live = ProbePipeline.CreateLiveTargets(options, _log.For<LiveTargets>());
        var spool = new BatchSpool(Options.Create(options), TimeProvider.System, _log.For<BatchSpool>());
        var status = new ProbeStatusReporter(Options.Create(options), new NamedEngine(), spool, live);
        // The signature uses the real clock: the test backend checks it against the real clock.
        var client = new TargetListClient(_http, _backend.ApiUrl, new BatchSigner(ProbeId, _probe.Key), TimeProvider.System);
        var service = new ManagedTargetsService(
            Options.Create(options), live, client, new TargetListSignal(_http, _time), status, _time, _log.For<ManagedTargetsService>());
        return (service, live, status);
    }

    private static ManagedTargetList List(string version, params ManagedTarget[] targets) => new() { ProbeId = ProbeId, Version = version, Targets = targets };

    private static ManagedTarget Target(string name, string host) => ManagedTargetsTests.Target(name, host);

    /// <summary>The status of every request that is not to the test backend: the signal's reads.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private readonly ConcurrentQueue<int> _statuses = new();

        public List<int> Statuses => [.. _statuses];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.StartsWith("/devstoreaccount1/", StringComparison.Ordinal))
            {
                _statuses.Enqueue((int)response.StatusCode);
            }

            return response;
        }
    }
}
