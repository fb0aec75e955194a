using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// <see cref="ReportScenario"/> ingested once through the real ingestion into a fresh Azurite (tables under a
/// prefix of their own); the reports table is emptied before each test by <see cref="ReportRig"/>.
/// </summary>
public sealed class ReportDataFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public string ConnectionString => _azurite.ConnectionString;

    public string Prefix { get; } = "r" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        using var services = ReportRig.Services(ConnectionString, Prefix, smtpPort: 25, new FakeTimeProvider(), settings: null);
        var ingestion = services.GetRequiredService<IngestBatchHandler>();
        var time = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
        using var probes = new TestProbes(ConnectionString, Prefix);
        foreach (var batch in ReportScenario.Batches())
        {
            // Each batch arrives when its window has closed, as a probe would send it.
            time.SetUtcNow(batch.WindowStart.AddMinutes(61));
            await ingestion.HandleAsync(await probes.SignAsync(batch), $"m-{batch.Sequence}", 1, CancellationToken.None);
        }
    }

    public Task DisposeAsync() => _azurite.DisposeAsync();
}

/// <summary>The report services as AddNetPulseReports wires them over the fixture's data, a fake clock and a real SMTP sink.</summary>
internal sealed class ReportRig : IDisposable
{
    private readonly ServiceProvider _services;

    private ReportRig(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public DailyReportHandler Handler => _services.GetRequiredService<DailyReportHandler>();

    public ReportReader Reader => _services.GetRequiredService<ReportReader>();

    public CompactionHandler Compaction => _services.GetRequiredService<CompactionHandler>();

    public TableClient Reports => _services.GetRequiredService<ReportStore>().Table;

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A rig at <paramref name="localNow"/> (Berlin time) with an empty reports table.</summary>
    public static async Task<ReportRig> StartAsync(
        ReportDataFixture data, int smtpPort, DateTime localNow, IDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(localNow, ReportScenario.Berlin), TimeSpan.Zero));
        var rig = new ReportRig(Services(data.ConnectionString, data.Prefix, smtpPort, time, settings), time);
        await rig.Reports.CreateIfNotExistsAsync();
        await foreach (var entity in rig.Reports.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            await rig.Reports.DeleteEntityAsync(entity.PartitionKey, entity.RowKey);
        }

        return rig;
    }

    public void SetLocalNow(DateTime local) =>
        Time.SetUtcNow(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, ReportScenario.Berlin), TimeSpan.Zero));

    internal static ServiceProvider Services(
        string connectionString, string prefix, int smtpPort, FakeTimeProvider time, IDictionary<string, string?>? settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:AlertQueueName"] = "alerts-" + prefix,
                ["NetPulse:TimeZone"] = ReportScenario.Berlin.Id,
                ["NetPulse:Compaction:FirstRunLookback"] = "10.00:00:00",
                ["NetPulse:Compaction:MaxHoursPerRun"] = "200",
                ["NetPulse:Smtp:Host"] = "127.0.0.1",
                ["NetPulse:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
                ["NetPulse:Smtp:Security"] = "None",
                ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
                ["NetPulse:Smtp:To"] = "ops@example.org, Ann <ann@example.org>",
                ["NetPulse:Smtp:Timeout"] = "00:00:10",
                // Alerts of the scenario's incidents go to a recording channel: the SMTP sink sees only reports.
                ["NetPulse:Alerts:Channels:recorded:Type"] = RecordingChannelFactory.TypeName,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(connectionString))
            .AddSingleton(new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseIngestion(configuration)
            .AddSingleton<IAlertChannelFactory, RecordingChannelFactory>()
            .AddNetPulseAlertOutbox(configuration)
            .AddNetPulseReports(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // What ValidateOnStart does in a host.
        _ = services.GetRequiredService<IOptions<ReportOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _ = services.GetRequiredService<IOptions<DetectionOptions>>().Value;
        return services;
    }

    /// <summary>Every entity of the reports table, one line each, Timestamp and ETag left out.</summary>
    public Task<List<string>> DumpReportsAsync() => TableDump.LinesAsync(Reports);

    public void Dispose() => _services.Dispose();
}
