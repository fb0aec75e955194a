using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace NetPulse.Monitoring.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The tables and their stores and readers, with "AzureWebJobsStorage" and "NetPulse:Storage" and "NetPulse:Limits" validated at start.
    /// Registers a <see cref="TableServiceClient"/>, a <see cref="QueueServiceClient"/> (Base64 messages) and a <see cref="BlobServiceClient"/> for that
    /// account unless some are registered already, and <see cref="TimeProvider.System"/> likewise. Safe to call from
    /// every layer that needs storage.
    /// </summary>
    public static IServiceCollection AddNetPulseStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(MonitoringTables)))
        {
            return services;
        }

        services.AddOptionsWithValidateOnStart<StorageAccountOptions, StorageAccountOptionsValidator>().Configure(o => StorageAccountOptions.Bind(o, configuration));
        services.AddOptionsWithValidateOnStart<StorageOptions, StorageOptionsValidator>().Bind(configuration.GetSection(StorageOptions.Section));
        services.AddOptionsWithValidateOnStart<LimitsOptions, LimitsOptionsValidator>().Bind(configuration.GetSection(LimitsOptions.Section));
        services.AddOptionsWithValidateOnStart<ProbesOptions, ProbesOptionsValidator>().Bind(configuration.GetSection(ProbesOptions.Section));
        services.AddOptionsWithValidateOnStart<RetentionOptions, RetentionOptionsValidator>().Bind(configuration.GetSection(RetentionOptions.Section));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => CreateTableServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value));
        services.TryAddSingleton(sp => CreateQueueServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value, QueueMessageEncoding.Base64));
        services.TryAddSingleton(sp => CreateBlobServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value));

        services.TryAddSingleton<MonitoringTables>();
        services.TryAddSingleton<TargetListSignals>();
        services.TryAddSingleton<BatchStore>();
        services.TryAddSingleton<ProbeStateStore>();
        services.TryAddSingleton<ProbeLocks>();
        services.TryAddSingleton<TargetNamesPerDay>();
        services.TryAddSingleton<SampleReader>();
        services.TryAddSingleton<ProbeRegistry>();
        services.TryAddSingleton<ManagedTargetStore>();
        services.TryAddSingleton<ShareLinkStore>();
        services.TryAddSingleton<PathStore>();
        // Its own client without encoding: poison messages move as the text they are stored as, even one that is no Base64.
        services.TryAddSingleton(sp => new PoisonQueues(
            CreateQueueServiceClient(sp.GetRequiredService<IOptions<StorageAccountOptions>>().Value, QueueMessageEncoding.None),
            sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PoisonQueueWatch>();
        services.TryAddSingleton<RetentionPolicy>();
        services.TryAddSingleton(sp => new RetentionHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<IOptions<RetentionOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RetentionHandler>>()));
        return services;
    }

    private static TableServiceClient CreateTableServiceClient(StorageAccountOptions account)
    {
        var options = new TableClientOptions();
        ShortenRetries(options.Retry);
        return account.ConnectionString is { } connection
            ? new TableServiceClient(connection, options)
            : new TableServiceClient(account.TableServiceUri!, Credential(account), options);
    }

    /// <summary>
    /// Three retries 0.2 s apart, doubling (1.4 s in all), where the SDK waits 0.8 s doubling (5.6 s): every caller
    /// retries a failed operation as a whole anyway (the queue redelivers a batch, a timer runs again, a dashboard
    /// polls), so a storage outage answers an API request with a 503 in seconds rather than holding it.
    /// </summary>
    private static void ShortenRetries(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 3;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
    }

    private static QueueServiceClient CreateQueueServiceClient(StorageAccountOptions account, QueueMessageEncoding encoding)
    {
        // The queue trigger reads Base64 bodies by default, in Functions and in the WebJobs dev host.
        var options = new QueueClientOptions { MessageEncoding = encoding };
        ShortenRetries(options.Retry);
        return account.ConnectionString is { } connection
            ? new QueueServiceClient(connection, options)
            : new QueueServiceClient(account.QueueServiceUri!, Credential(account), options);
    }

    private static BlobServiceClient CreateBlobServiceClient(StorageAccountOptions account)
    {
        var options = new BlobClientOptions();
        ShortenRetries(options.Retry);
        return account.ConnectionString is { } connection
            ? new BlobServiceClient(connection, options)
            : new BlobServiceClient(account.BlobServiceUri!, Credential(account), options);
    }

    private static TokenCredential Credential(StorageAccountOptions account) =>
        account.ClientId is { } clientId
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })
            : new DefaultAzureCredential();
}
