using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// The one composition root of the monitoring library, called by the Functions app's Program.cs, the dev
    /// host and the tests: ingestion (with the storage clients for "AzureWebJobsStorage"), incidents, alerts and
    /// the HTTP API's handlers, each with its options bound and validated at start.
    /// </summary>
    public static IServiceCollection AddNetPulseMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddNetPulseIngestion(configuration);

        // The ping-batch queue: IngestBatch listens on %PingBatchQueue%, and ingestion poisons and redrives it.
        services.PostConfigure<StorageOptions>(options =>
        {
            if (string.IsNullOrEmpty(configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.PingBatchQueueName)}"]))
            {
                options.PingBatchQueueName = TriggerSettings.Resolve(configuration, TriggerSettings.PingBatchQueue);
            }
        });
        services.AddNetPulseAlertOutbox(configuration);
        services.AddNetPulseReports(configuration);
        services.AddNetPulseApi(configuration);
        return services;
    }
}
