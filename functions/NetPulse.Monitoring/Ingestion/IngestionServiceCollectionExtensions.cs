using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Ingestion, compaction, detection, the watchdog and the readers (<see cref="SampleReader"/>,
    /// <see cref="TargetReader"/>, <see cref="IncidentReader"/>), with their options ("NetPulse:Storage",
    /// "NetPulse:Detection", "NetPulse:Compaction", "NetPulse:Watchdog") validated at start. Registers a
    /// <see cref="TableServiceClient"/> and a <see cref="QueueServiceClient"/> (Base64 messages) for the account in
    /// "AzureWebJobsStorage" unless some are registered already, and <see cref="TimeProvider.System"/> likewise.
    /// </summary>
    public static IServiceCollection AddNetPulseIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageAccountOptions>().Configure(o => StorageAccountOptions.Bind(o, configuration)).ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddOptions<DetectionOptions>().Bind(configuration.GetSection(DetectionOptions.Section)).ValidateOnStart();
        services.AddOptions<CompactionOptions>().Bind(configuration.GetSection(CompactionOptions.Section)).ValidateOnStart();
        services.AddOptions<WatchdogOptions>().Bind(configuration.GetSection(WatchdogOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageAccountOptions>, StorageAccountOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CompactionOptions>, CompactionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchdogOptions>, WatchdogOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => CreateTableServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value));
        services.TryAddSingleton(sp => CreateQueueServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value));

        services.TryAddSingleton<MonitoringTables>();
        services.TryAddSingleton<BatchStore>();
        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton<ProbeStateStore>();
        services.TryAddSingleton<ProbeEvaluator>();
        services.TryAddSingleton<ProbeLocks>();
        services.TryAddSingleton<SummaryFlusher>();
        services.TryAddSingleton<BatchIngestion>();
        services.TryAddSingleton<SampleReader>();
        services.TryAddSingleton(sp => new TargetReader(
            sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IncidentReader(sp.GetRequiredService<IncidentStore>(), sp.GetRequiredService<ProbeStateStore>()));
        services.TryAddSingleton(sp => new IngestBatchHandler(
            sp.GetRequiredService<BatchIngestion>(), sp.GetRequiredService<ILogger<IngestBatchHandler>>()));
        services.TryAddSingleton(sp => new CompactionHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(),
            sp.GetRequiredService<IOptions<CompactionOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CompactionHandler>>()));
        services.TryAddSingleton(sp => new WatchdogHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(),
            sp.GetRequiredService<IncidentStore>(), sp.GetRequiredService<IIncidentAnnouncer>(), sp.GetRequiredService<SummaryFlusher>(),
            sp.GetRequiredService<ProbeLocks>(), sp.GetRequiredService<IOptions<DetectionOptions>>(), sp.GetRequiredService<IOptions<WatchdogOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WatchdogHandler>>()));
        return services;
    }

    private static TableServiceClient CreateTableServiceClient(StorageAccountOptions account) =>
        account.ConnectionString is { } connection
            ? new TableServiceClient(connection)
            : new TableServiceClient(account.TableServiceUri!, Credential(account));

    private static QueueServiceClient CreateQueueServiceClient(StorageAccountOptions account)
    {
        // The queue trigger reads Base64 bodies by default, in Functions and in the WebJobs dev host.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return account.ConnectionString is { } connection
            ? new QueueServiceClient(connection, options)
            : new QueueServiceClient(account.QueueServiceUri!, Credential(account), options);
    }

    private static TokenCredential Credential(StorageAccountOptions account) =>
        account.ClientId is { } clientId
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })
            : new DefaultAzureCredential();
}
