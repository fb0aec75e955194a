using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Monitoring.Tests.Reports;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>
/// The Evidence job of the one timer over the report scenario in Azurite (week 13 of 2026 in Berlin holds the change to
/// summer time), a fake clock and a real SMTP sink: a week that ended becomes one stored pack mailed once, a re-run adds
/// nothing, the month follows on the 1st, and a path snapshot at an incident's start is printed with its hops.
/// </summary>
public sealed class EvidenceJobTests(ReportDataFixture data) : IClassFixture<ReportDataFixture>
{
    private const string Site = "berlin-office";

    [Fact]
    public async Task A_week_that_ended_is_stored_and_mailed_once_and_a_rerun_adds_nothing()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await EvidenceRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 30, 0, 30, 0));
        await rig.SetSiteAsync(Site);

        var first = await rig.Job.RunAsync(CancellationToken.None);
        var second = await rig.Job.RunAsync(CancellationToken.None);

        Assert.Equal(["home-1 week 2026-W13"], first.Built);
        Assert.Equal(["home-1 week 2026-W13"], first.Emailed);
        Assert.Empty(first.Failed);
        Assert.Empty(second.Built);
        Assert.Empty(second.Emailed);
        var mail = Assert.Single(sink.Messages);
        var row = (await rig.Store.GetAsync("home-1", "week", "2026-W13", CancellationToken.None))!;
        Assert.Equal("NetPulse evidence home-1 2026-W13: grade " + row.Grade, mail.Subject);
        Assert.Equal(5, mail.Attachments.Count());
        Assert.Equal(["ops@example.org", "ann@example.org"], sink.Received.Single().RcptTo);

        Assert.True(row.Emailed);
        Assert.Equal(Site, row.Site);
        Assert.Equal(3, row.TargetCount);
        Assert.Equal(new DateOnly(2026, 3, 23), row.FirstDate);
        Assert.Equal(TimeSpan.FromHours(167), row.To - row.From);
        Assert.Equal(["pack.pdf", "targets.csv", "outages.csv", "incidents.csv", "heatmap.csv"], row.Files.Select(f => f.Name));

        // The stored PDF opens and holds the figures, the site, and the 167-hour week.
        var pdf = (await rig.Store.OpenAsync("home-1", "week", "2026-W13", "pack.pdf", CancellationToken.None))!;
        Assert.Equal("netpulse-evidence-home-1-2026-W13.pdf", pdf.FileName);
        Assert.Equal("application/pdf", pdf.ContentType);
        var text = PdfText(pdf.Content, out var info);
        Assert.Contains("Pages:", info);
        Assert.Contains($"Site: {Site}", text);
        Assert.Contains("(167 hours)", text);
        var detail = (await rig.Store.GetDetailAsync("home-1", "week", "2026-W13", CancellationToken.None))!;
        var dns = detail.Targets.Single(t => t.Name == ReportScenario.Dns);
        Assert.Equal(1, dns.Outages);
        Assert.Contains(Monitoring.Evidence.EvidenceText.Number(dns.P95Ms, "0.0"), text);
        Assert.Contains("No path snapshot was taken at any incident start.", text);

        var csv = (await rig.Store.OpenAsync("home-1", "week", "2026-W13", "targets.csv", CancellationToken.None))!;
        Assert.Equal("text/csv; charset=utf-8", csv.ContentType);
        Assert.Contains("dns.example", System.Text.Encoding.UTF8.GetString(csv.Content), StringComparison.Ordinal);
        Assert.Null(await rig.Store.OpenAsync("home-1", "week", "2026-W13", "secrets.csv", CancellationToken.None));
        Assert.Null(await rig.Store.OpenAsync("home-1", "week", "2026-W12", "pack.pdf", CancellationToken.None));
    }

    [Fact]
    public async Task The_month_follows_on_the_first_and_a_run_builds_at_most_its_share()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string?> { ["NetPulse:Evidence:MaxPacksPerRun"] = "1" };
        using var rig = await EvidenceRig.StartAsync(data, sink.Port, new DateTime(2026, 4, 1, 0, 30, 0), settings);

        var first = await rig.Job.RunAsync(CancellationToken.None);
        var second = await rig.Job.RunAsync(CancellationToken.None);
        var third = await rig.Job.RunAsync(CancellationToken.None);

        // The month began before the week, so it goes first; the week waits for the next run.
        Assert.Equal(["home-1 month 2026-03"], first.Built);
        Assert.Equal(1, first.Deferred);
        Assert.Equal(["home-1 week 2026-W13"], second.Built);
        Assert.Equal(0, second.Deferred);
        Assert.Empty(third.Built);
        Assert.Equal(2, sink.Messages.Count);
        var month = (await rig.Store.GetAsync("home-1", "month", "2026-03", CancellationToken.None))!;
        Assert.Equal(new DateOnly(2026, 3, 31), month.LastDate);
        Assert.Equal(["2026-W13"], (await rig.Store.ListAsync("home-1", "week", CancellationToken.None)).Select(p => p.Period));
        Assert.Equal(["2026-03", "2026-W13"], (await rig.Store.ListAsync(null, null, CancellationToken.None)).Select(p => p.Period).Order());
    }

    [Fact]
    public async Task A_rebuild_keeps_the_mailed_mark_and_a_period_not_ended_is_refused()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await EvidenceRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 30, 0, 30, 0));
        await rig.Job.RunAsync(CancellationToken.None);
        var packs = rig.Get<EvidencePacks>();

        var rebuilt = await packs.RebuildAsync("home-1", EvidencePeriod.TryParse("2026-W13", ReportScenario.Berlin)!, CancellationToken.None);
        await rig.Job.RunAsync(CancellationToken.None);

        Assert.True(rebuilt.Emailed);
        Assert.Single(sink.Messages);
        var running = await Assert.ThrowsAsync<EvidencePeriodOutOfRangeException>(
            () => packs.RebuildAsync("home-1", EvidencePeriod.TryParse("2026-W14", ReportScenario.Berlin)!, CancellationToken.None));
        Assert.Contains("has not ended", running.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnknownTargetException>(
            () => packs.RebuildAsync("nobody", EvidencePeriod.TryParse("2026-W13", ReportScenario.Berlin)!, CancellationToken.None));
    }

    [Fact]
    public async Task A_path_snapshot_at_an_incident_start_is_printed_with_the_hop_where_loss_persists()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await EvidenceRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 30, 0, 30, 0), paths: new OnePath());

        await rig.Job.RunAsync(CancellationToken.None);

        var pdf = (await rig.Store.OpenAsync("home-1", "week", "2026-W13", "pack.pdf", CancellationToken.None))!;
        var text = PdfText(pdf.Content, out _);
        Assert.Contains("Path snapshots at incident start", text);
        Assert.Contains("10.200.7.2", text);
        Assert.Contains("loss persists from here", text);
        Assert.Contains("Loss starts at hop 2 (10.200.7.2", text);
    }

    [Fact]
    public async Task A_pack_that_fails_is_logged_and_the_run_goes_on_to_the_next()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await EvidenceRig.StartAsync(data, sink.Port, new DateTime(2026, 4, 1, 0, 30, 0), paths: new BrokenPaths());

        var run = await rig.Job.RunAsync(CancellationToken.None);

        // Both due packs were tried: the month's failure did not stop the week's; neither is stored or mailed.
        Assert.Equal(["home-1 month 2026-03", "home-1 week 2026-W13"], run.Failed);
        Assert.Empty(run.Built);
        Assert.Empty(await rig.Store.ListAsync(null, null, CancellationToken.None));
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public async Task A_stored_pack_whose_mail_failed_is_mailed_by_the_next_run_and_only_then()
    {
        var port = SmtpSink.FreePort();
        using var rig = await EvidenceRig.StartAsync(data, port, new DateTime(2026, 3, 30, 0, 30, 0));

        var serverDown = await rig.Job.RunAsync(CancellationToken.None);
        await using var sink = await SmtpSink.StartOnAsync(port);
        var serverBack = await rig.Job.RunAsync(CancellationToken.None);
        var again = await rig.Job.RunAsync(CancellationToken.None);

        Assert.Equal(["home-1 week 2026-W13"], serverDown.Built);
        Assert.Equal(["home-1 week 2026-W13"], serverDown.Failed);
        Assert.Empty(serverBack.Built);
        Assert.Equal(["home-1 week 2026-W13"], serverBack.Emailed);
        Assert.Empty(again.Emailed);
        Assert.Single(sink.Messages);
        Assert.Equal(5, sink.Messages.Single().Attachments.Count());
    }

    private static string PdfText(byte[] pdf, out string info)
    {
        var path = Path.Combine(Path.GetTempPath(), $"evidence-job-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            info = EvidenceDocumentTests.Run("pdfinfo", path);
            return EvidenceDocumentTests.Run("pdftotext", "-layout", path, "-");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A path store that cannot be read: every pack with a target incident fails.</summary>
    private sealed class BrokenPaths : IIncidentPathSource
    {
        public Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the paths table is unreachable");
    }

    /// <summary>A path source with one snapshot of the DNS target: loss from hop 2 to the destination.</summary>
    private sealed class OnePath : IIncidentPathSource
    {
        public Task<PathSnapshot?> AtIncidentStartAsync(string probeId, string targetName, DateTimeOffset start, CancellationToken cancellationToken)
        {
            if (targetName != ReportScenario.Dns)
            {
                return Task.FromResult<PathSnapshot?>(null);
            }

            return Task.FromResult<PathSnapshot?>(new PathSnapshot
            {
                Target = targetName,
                Destination = "10.200.0.53",
                StartedAt = start,
                Cycles = 10,
                Reason = PathSnapshotReason.Trouble,
                ReachedDestination = true,
                Hops =
                [
                    new PathHop { Ttl = 1, Address = "10.200.7.1", Sent = 10, Received = 10, LossPercent = 0, BestMs = 1, AverageMs = 1.2, WorstMs = 1.5, LastMs = 1.1, StdDevMs = 0.1 },
                    new PathHop { Ttl = 2, Address = "10.200.7.2", Sent = 10, Received = 6, LossPercent = 40, BestMs = 5, AverageMs = 6, WorstMs = 9, LastMs = 6, StdDevMs = 1 },
                    new PathHop { Ttl = 3, Address = "10.200.0.53", Sent = 10, Received = 6, LossPercent = 40, BestMs = 10, AverageMs = 11, WorstMs = 14, LastMs = 11, StdDevMs = 1 },
                ],
            });
        }
    }
}

/// <summary>The evidence services as AddNetPulseEvidence wires them over the report fixture's data, with the evidence table and container emptied.</summary>
internal sealed class EvidenceRig : IDisposable
{
    private readonly ServiceProvider _services;

    private EvidenceRig(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public EvidenceJob Job => Get<EvidenceJob>();

    public EvidenceStore Store => Get<EvidenceStore>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static async Task<EvidenceRig> StartAsync(
        ReportDataFixture data, int smtpPort, DateTime localNow, IDictionary<string, string?>? settings = null, IIncidentPathSource? paths = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(localNow, ReportScenario.Berlin), TimeSpan.Zero));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = data.ConnectionString,
                ["NetPulse:Storage:TablePrefix"] = data.Prefix,
                ["NetPulse:Storage:AlertQueueName"] = "alerts-" + data.Prefix,
                ["NetPulse:TimeZone"] = ReportScenario.Berlin.Id,
                ["NetPulse:Smtp:Host"] = "127.0.0.1",
                ["NetPulse:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
                ["NetPulse:Smtp:Security"] = "None",
                ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
                ["NetPulse:Smtp:To"] = "ops@example.org, Ann <ann@example.org>",
                ["NetPulse:Smtp:Timeout"] = "00:00:10",
                ["NetPulse:Alerts:Channels:recorded:Type"] = RecordingChannelFactory.TypeName,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var collection = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(data.ConnectionString))
            .AddSingleton(new QueueServiceClient(data.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseIngestion(configuration)
            .AddSingleton<IAlertChannelFactory, RecordingChannelFactory>()
            .AddNetPulseAlertOutbox(configuration);
        if (paths is not null)
        {
            collection.TryAddSingleton(paths);
        }

        var services = collection.AddNetPulseEvidence(configuration).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = services.GetRequiredService<IOptions<EvidenceOptions>>().Value;
        var rig = new EvidenceRig(services, time);
        await rig.Store.EnsureCreatedAsync(CancellationToken.None);
        await foreach (var row in rig.Store.Index.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            await rig.Store.Index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        await foreach (var blob in rig.Store.Container.GetBlobsAsync())
        {
            await rig.Store.Container.DeleteBlobAsync(blob.Name);
        }

        return rig;
    }

    /// <summary>The probe's row says it stands at <paramref name="site"/>, as a probe's status would have it.</summary>
    public async Task SetSiteAsync(string site)
    {
        var tables = Get<MonitoringTables>();
        var row = new TableEntity(TableKeys.TargetsPartition(ReportScenario.ProbeId), TableKeys.ProbeRow)
        {
            ["Status"] = ProbeStatusJson.ToJson(new ProbeStatus { Site = site }),
        };
        await tables.Targets.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Merge);
        Get<ProbeStateStore>().Forget(ReportScenario.ProbeId);
    }

    public void Dispose() => _services.Dispose();
}
