using Azure.Core;
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
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// The ingestion services as <see cref="IngestionServiceCollectionExtensions.AddNetPulseIngestion"/> wires them,
/// over a real Azurite with tables and an alert queue of its own (so rigs run side by side), a fake clock and a
/// request counter on both clients' pipelines.
/// </summary>
internal sealed class IngestionRig : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private long _messages;

    private IngestionRig(ServiceProvider services, FakeTimeProvider time, RequestCounter counter, string prefix, string alertQueue, TestProbes probes)
    {
        Probes = probes;
        _services = services;
        Time = time;
        Counter = counter;
        Prefix = prefix;
        AlertQueue = services.GetRequiredService<QueueServiceClient>().GetQueueClient(alertQueue);
    }

    private static readonly string[] AlertTables = ["alertoutbox", "alertstate"];

    public FakeTimeProvider Time { get; }

    public RequestCounter Counter { get; }

    public string Prefix { get; }

    public QueueClient AlertQueue { get; }

    /// <summary>The queue the watchdog looks at for batches waiting to be ingested (the rig's own).</summary>
    public QueueClient BatchQueue => _services.GetRequiredService<QueueServiceClient>().GetQueueClient("batches-" + Prefix);

    /// <summary>The queue calm batches go to (the rig's own), which the CalmBatches job drains.</summary>
    public QueueClient CalmQueue => _services.GetRequiredService<QueueServiceClient>().GetQueueClient("calm-" + Prefix);

    public IngestBatchHandler Handler => _services.GetRequiredService<IngestBatchHandler>();

    public CompactionHandler Compaction => _services.GetRequiredService<CompactionHandler>();

    public WatchdogHandler Watchdog => _services.GetRequiredService<WatchdogHandler>();

    public SampleReader Samples => _services.GetRequiredService<SampleReader>();

    public TargetReader Targets => _services.GetRequiredService<TargetReader>();

    public IncidentReader Incidents => _services.GetRequiredService<IncidentReader>();

    public MonitoringTables Tables => _services.GetRequiredService<MonitoringTables>();

    /// <summary>The scenario's probes, each registered in this rig's probes table when it first signs a batch.</summary>
    public TestProbes Probes { get; }

    public ProbeRegistry Registry => _services.GetRequiredService<ProbeRegistry>();

    internal ProbeKeyCache KeyCache => _services.GetRequiredService<ProbeKeyCache>();

    /// <summary>Any service of the rig, as the library registered it.</summary>
    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <param name="prefix">
    /// The table prefix (and alert queue) to use: a new one by default; another rig's to run a second instance with
    /// caches of its own over the same tables and queue.
    /// </param>
    /// <param name="services">Registrations made before the library's, which they replace (e.g. an announcer that fails).</param>
    public static IngestionRig Create(
        string connectionString, DateTimeOffset now, IDictionary<string, string?>? settings = null, string? prefix = null, Action<IServiceCollection>? services = null)
    {
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..12];
        var alertQueue = "alerts-" + prefix;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:AlertQueueName"] = alertQueue,
                ["NetPulse:Storage:PingBatchQueueName"] = "batches-" + prefix,
                ["NetPulse:Storage:CalmBatchQueueName"] = "calm-" + prefix,
                // What is raised is read from the outbox; the recording channel takes the deliveries without a mail server.
                [$"NetPulse:Alerts:Channels:recorded:Type"] = RecordingChannelFactory.TypeName,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var counter = new RequestCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var time = new FakeTimeProvider(now);
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddSingleton<IAlertChannelFactory, RecordingChannelFactory>();
        var provider = collection
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(connectionString, tableOptions))
            .AddSingleton(new QueueServiceClient(connectionString, queueOptions))
            .AddNetPulseIngestion(configuration)
            .AddNetPulseAlertOutbox(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // What ValidateOnStart does in a host.
        _ = provider.GetRequiredService<IOptions<DetectionOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        // Registered through a client of their own, so the counter sees only what ingestion asks of storage.
        return new IngestionRig(provider, time, counter, prefix, alertQueue, new TestProbes(connectionString, prefix));
    }

    /// <summary>Delivers the batch as a new queue message: a fresh message id, first delivery.</summary>
    public Task IngestAsync(PingBatch batch) =>
        IngestAsync(batch, "message-" + Interlocked.Increment(ref _messages), 1);

    /// <summary>
    /// Delivers the batch as the queue trigger would, signed by its probe: a redelivery keeps its message id and
    /// counts up its dequeue count.
    /// </summary>
    public async Task IngestAsync(PingBatch batch, string messageId, long dequeueCount) =>
        await Handler.HandleAsync(await Probes.SignAsync(batch), messageId, dequeueCount, CancellationToken.None);

    /// <summary>
    /// Entities of the named monitoring tables ("batches", "samples", ...), one line each, Timestamp and ETag left
    /// out: tables compare entity by entity. A name that is no monitoring table throws rather than dumping nothing.
    /// </summary>
    public async Task<SortedDictionary<string, List<string>>> DumpAsync(params string[] tableNames)
    {
        var known = Tables.All.Select(t => t.Name[Prefix.Length..]).ToList();
        var unknown = tableNames.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"No monitoring table named {string.Join(", ", unknown)}; the tables are {string.Join(", ", known)}", nameof(tableNames));
        }

        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in Tables.All.Where(t => tableNames.Length == 0 || tableNames.Contains(t.Name[Prefix.Length..])))
        {
            var lines = await TableDump.LinesAsync(table);
            dump[table.Name[Prefix.Length..]] = lines;
        }

        return dump;
    }

    /// <summary>
    /// Every table of this rig's account whose name starts with its prefix, whichever part of the library made it,
    /// keyed by the name without the prefix: a table the library adds is compared without this rig knowing it.
    /// </summary>
    public async Task<SortedDictionary<string, List<string>>> DumpEveryTableAsync()
    {
        var service = _services.GetRequiredService<TableServiceClient>();
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        // "{" follows every letter and digit, so the range holds exactly the names that start with the prefix.
        await foreach (var table in service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName ge {Prefix} and TableName lt {Prefix + "{"}")))
        {
            // The alert tables hold what was raised with the state of the moment (uptime, delivery times); the alerts
            // themselves are compared through AlertsAsync.
            if (table.Name.StartsWith(Prefix, StringComparison.Ordinal) && !AlertTables.Contains(table.Name[Prefix.Length..]))
            {
                dump[table.Name[Prefix.Length..]] = await TableDump.LinesAsync(service.GetTableClient(table.Name));
            }
        }

        return dump;
    }

    /// <summary>
    /// The alerts raised since the last call, in the order of the events they tell of, as the old alert queue showed
    /// them: each outbox notice once (reading hides what was read).
    /// </summary>
    public async Task<List<AlertMessage>> AlertsAsync()
    {
        var notices = await _services.GetRequiredService<AlertOutbox>().ListAsync(null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(200), CancellationToken.None);
        return [.. notices
            .Where(n => _read.Add(n.Notice.Id))
            .Select(n => n.Notice)
            .OrderBy(n => n.RaisedAt)
            .ThenBy(n => n.Incidents.Min(i => n.Kind == NoticeKind.Resolved ? i.Incident.End ?? i.Incident.Start : i.Incident.Start))
            .ThenBy(n => n.Id, StringComparer.Ordinal)
            .Select(n => new AlertMessage { Kind = ToAlertKind(n.Kind), Incidents = n.Incidents, RaisedAt = n.RaisedAt })];
    }

    private static AlertKind ToAlertKind(NoticeKind kind) => kind switch
    {
        NoticeKind.Opened => AlertKind.Opened,
        NoticeKind.Resolved => AlertKind.Resolved,
        NoticeKind.Summary => AlertKind.Summary,
        NoticeKind.Reminder or NoticeKind.Report => throw new InvalidOperationException($"ingestion raised a {kind} notice"),
    };

    /// <summary>
    /// Ingests two probes' batches side by side, each pair at its window's end, then corrupts the second probe's
    /// stored batches (<see cref="CorruptBatchesAsync"/>): a fleet in which one probe can no longer be read.
    /// </summary>
    public async Task IngestBesideAnUnreadableProbeAsync(IReadOnlyList<PingBatch> readable, IReadOnlyList<PingBatch> unreadable)
    {
        foreach (var (first, second) in readable.Zip(unreadable))
        {
            Time.SetUtcNow(first.WindowStart.AddSeconds(12));
            await IngestAsync(first);
            await IngestAsync(second);
        }

        await CorruptBatchesAsync(unreadable[0].ProbeId);
    }

    /// <summary>
    /// Overwrites the packed rounds of every stored batch of <paramref name="probeId"/> with a format byte no reader
    /// knows, as a bug or a half-migrated entity would leave them: every read of that probe's batches then throws.
    /// </summary>
    public async Task CorruptBatchesAsync(string probeId)
    {
        var corrupted = 0;
        await foreach (var entity in Tables.Batches.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ProbeId eq {probeId}")))
        {
            await Tables.Batches.UpdateEntityAsync(
                new TableEntity(entity.PartitionKey, entity.RowKey) { ["Targets"] = new byte[] { 0xEE } }, entity.ETag, TableUpdateMode.Merge);
            corrupted++;
        }

        Assert.True(corrupted > 0, $"no batch of {probeId} is stored");
    }

    /// <summary>The partition keys of the hour entities compaction wrote.</summary>
    public async Task<List<string>> SamplePartitionsAsync()
    {
        var partitions = new List<string>();
        await foreach (var entity in Tables.Samples.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            partitions.Add(entity.PartitionKey);
        }

        return partitions;
    }

    public void Dispose()
    {
        _services.Dispose();
        Probes.Dispose();
    }
}
