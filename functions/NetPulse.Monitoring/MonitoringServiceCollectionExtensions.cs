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

        // One setting names the alerts queue for the SendAlert trigger (%AlertQueue%) and for ingestion,
        // which writes to it; an explicit NetPulse:Storage:AlertQueueName still wins.
        services.PostConfigure<StorageOptions>(options =>
        {
            if (string.IsNullOrEmpty(configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.AlertQueueName)}"]))
            {
                options.AlertQueueName = TriggerSettings.Resolve(configuration, TriggerSettings.AlertQueue);
            }
        });

        // Likewise the ping-batch queue: IngestBatch listens on %PingBatchQueue%, and ingestion poisons and redrives it.
        services.PostConfigure<StorageOptions>(options =>
        {
            if (string.IsNullOrEmpty(configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.PingBatchQueueName)}"]))
            {
                options.PingBatchQueueName = TriggerSettings.Resolve(configuration, TriggerSettings.PingBatchQueue);
            }
        });
        services.AddNetPulseAlertQueue();
        services.AddNetPulseAlerts(configuration);
        services.AddNetPulseReports(configuration);
        services.AddNetPulseApi(configuration);
        return services;
    }
}
