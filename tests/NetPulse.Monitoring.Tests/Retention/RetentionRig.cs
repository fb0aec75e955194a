using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Retention;

/// <summary>
/// The monitoring services as the composition root wires them over a real Azurite with tables of their own, a fake
/// clock, and a switch that cancels a run after its n-th entity-group transaction (a crash halfway).
/// </summary>
internal sealed class RetentionRig : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly TestProbes _probes;
    private readonly string _mail;
    private long _messages;

    private RetentionRig(ServiceProvider services, FakeTimeProvider time, TransactionTrip trip, string prefix, TestProbes probes, string mail)
    {
        _services = services;
        Time = time;
        Trip = trip;
        Prefix = prefix;
        _probes = probes;
        _mail = mail;
    }

    public FakeTimeProvider Time { get; }

    public TransactionTrip Trip { get; }

    public string Prefix { get; }

    public MonitoringTables Tables => _services.GetRequiredService<MonitoringTables>();

    public RetentionHandler Retention => _services.GetRequiredService<RetentionHandler>();

    public CompactionHandler Compaction => _services.GetRequiredService<CompactionHandler>();

    public SampleReader Samples => _services.GetRequiredService<SampleReader>();

    public TargetsHandler Targets => _services.GetRequiredService<TargetsHandler>();

    public ExportHandler Export => _services.GetRequiredService<ExportHandler>();

    public ReportReader Reports => _services.GetRequiredService<ReportReader>();

    public RetentionOptions Options => _services.GetRequiredService<IOptions<RetentionOptions>>().Value;

    /// <summary>Any service of the rig, for tests of handlers the properties above do not name.</summary>
    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static RetentionRig Create(string connectionString, DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..12];
        var mail = Directory.CreateTempSubdirectory("netpulse-retention-mail-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:AlertQueueName"] = "alerts-" + prefix,
                ["NetPulse:Storage:PingBatchQueueName"] = "batches-" + prefix,
                // Report days in a zone with daylight saving: the retention edges must not follow it.
                ["NetPulse:TimeZone"] = "Europe/Berlin",
                ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
                ["NetPulse:Smtp:To"] = "ops@example.org",
                ["NetPulse:Smtp:PickupFolder"] = mail,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var trip = new TransactionTrip();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(trip, HttpPipelinePosition.PerCall);
        var time = new FakeTimeProvider(now);
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(connectionString, tableOptions))
            .AddSingleton(new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseMonitoring(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // What ValidateOnStart does in a host.
        _ = services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        return new RetentionRig(services, time, trip, prefix, new TestProbes(connectionString, prefix), mail);
    }

    /// <summary>Ingests each batch at its window's end, signed by its probe, as the queue trigger would.</summary>
    public async Task IngestAsync(IEnumerable<PingBatch> batches)
    {
        var handler = _services.GetRequiredService<IngestBatchHandler>();
        foreach (var batch in batches)
        {
            Time.SetUtcNow(batch.WindowStart.AddSeconds(10));
            await handler.HandleAsync(await _probes.SignAsync(batch), "m" + Interlocked.Increment(ref _messages), 1, CancellationToken.None);
        }
    }

    /// <summary>Every entity's keys per table, "PartitionKey RowKey", sorted.</summary>
    public async Task<SortedDictionary<string, List<string>>> KeysAsync()
    {
        var keys = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in Tables.All)
        {
            var rows = new List<string>();
            await foreach (var entity in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                rows.Add(entity.PartitionKey + " " + entity.RowKey);
            }

            keys[table.Name[Prefix.Length..]] = [.. rows.Order(StringComparer.Ordinal)];
        }

        return keys;
    }

    public void Dispose()
    {
        _services.Dispose();
        _probes.Dispose();
        Trip.Dispose();
        Directory.Delete(_mail, recursive: true);
    }

    /// <summary>Cancels <see cref="Token"/> as the n-th entity-group transaction is sent, once armed.</summary>
    internal sealed class TransactionTrip : HttpPipelineSynchronousPolicy, IDisposable
    {
        private int _left = -1;
        private CancellationTokenSource _source = new();

        public CancellationToken Token => _source.Token;

        public void Dispose() => _source.Dispose();

        public void Arm(int transactions)
        {
            _source.Dispose();
            _source = new CancellationTokenSource();
            _left = transactions;
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) && _left > 0 && Interlocked.Decrement(ref _left) == 0)
            {
                _source.Cancel();
            }
        }
    }
}
