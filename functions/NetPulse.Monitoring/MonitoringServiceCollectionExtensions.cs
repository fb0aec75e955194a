using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Rollups;
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
        services.AddNetPulseEvidence(configuration);
        services.AddNetPulseApi(configuration);
        services.AddNetPulseScheduledJobs(configuration);
        return services;
    }

    /// <summary>
    /// The jobs of the one timer (function <c>Minute</c>), each on its own schedule setting and in this order at a
    /// tick they share: a new job is one more line here and a default in <see cref="TriggerSettings.Defaults"/>.
    /// </summary>
    private static void AddNetPulseScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // First: a calm probe's batch of this minute is stored before the watchdog asks whether the probe went silent.
        services.AddScheduledJob(configuration, "CalmBatches", TriggerSettings.CalmBatchSchedule,
            async (sp, ct) => await sp.GetRequiredService<CalmBatchDrain>().RunAsync(ct));
        services.AddScheduledJob(configuration, "Watchdog", TriggerSettings.WatchdogSchedule,
            (sp, ct) => sp.GetRequiredService<WatchdogHandler>().RunAsync(ct));
        // Its own cadence: the metric's alert rule (infra/app/alerts.bicep) looks every 5 minutes, so a minute buys nothing.
        services.AddScheduledJob(configuration, "PoisonWatch", TriggerSettings.PoisonWatchSchedule,
            async (sp, ct) => await sp.GetRequiredService<PoisonQueueWatch>().RunAsync(ct));
        services.AddScheduledJob(configuration, "DeliverAlerts", TriggerSettings.AlertDeliverySchedule,
            (sp, ct) => sp.GetRequiredService<DeliverAlertsHandler>().RunAsync(ct));
        services.AddScheduledJob(configuration, "Compact", TriggerSettings.CompactionSchedule,
            (sp, ct) => sp.GetRequiredService<CompactionHandler>().RunAsync(ct));
        services.AddScheduledJob(configuration, "DailyReport", TriggerSettings.ReportSchedule,
            (sp, ct) => sp.GetRequiredService<DailyReportHandler>().RunAsync(ct));
        services.AddScheduledJob(configuration, "Retention", TriggerSettings.RetentionSchedule,
            (sp, ct) => sp.GetRequiredService<RetentionHandler>().RunAsync(ct));
        services.AddScheduledJob(configuration, "Evidence", TriggerSettings.EvidenceSchedule,
            (sp, ct) => sp.GetRequiredService<EvidenceJob>().RunAsync(ct));
    }
}
