using Azure.Data.Tables;
using Azure.Storage.Queues;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

public static class IncidentsServiceCollectionExtensions
{
    /// <summary>
    /// Detection, the incident store and readers (<see cref="TargetReader"/>, <see cref="IncidentReader"/>) and the
    /// watchdog, with "NetPulse:Detection" and "NetPulse:Watchdog" validated at start, over
    /// <see cref="StorageServiceCollectionExtensions.AddNetPulseStorage"/>. The watchdog and ingestion announce
    /// through an <see cref="IIncidentAnnouncer"/> that the alerts layer registers.
    /// </summary>
    public static IServiceCollection AddNetPulseIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNetPulseStorage(configuration);

        services.AddOptionsWithValidateOnStart<DetectionOptions, DetectionOptionsValidator>().Bind(configuration.GetSection(DetectionOptions.Section));
        services.AddOptionsWithValidateOnStart<WatchdogOptions, WatchdogOptionsValidator>().Bind(configuration.GetSection(WatchdogOptions.Section));
        services.AddOptionsWithValidateOnStart<MaintenanceOptions, MaintenanceOptionsValidator>().Bind(configuration.GetSection(MaintenanceOptions.Section));
        services.AddNetPulseAcknowledgeLinks(configuration);

        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton(sp => new MaintenanceStore(
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<IOptions<MaintenanceOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IncidentAcknowledgementStore(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>()));
        services.TryAddSingleton<IIncidentAcknowledgements>(sp => sp.GetRequiredService<IncidentAcknowledgementStore>());
        services.TryAddSingleton(sp => new IncidentMaintenanceMarks(sp.GetRequiredService<MonitoringTables>()));
        services.TryAddSingleton<ProbeEvaluator>();
        services.TryAddSingleton<IncidentPaths>();
        services.TryAddSingleton<ProbeCommits>();
        services.TryAddSingleton<SummaryFlusher>();
        services.TryAddSingleton(sp => new TargetReader(
            sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IncidentReader(sp.GetRequiredService<IncidentStore>(), sp.GetRequiredService<ProbeStateStore>()));
        services.TryAddSingleton(sp => new WatchdogHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(),
            sp.GetRequiredService<IncidentStore>(), sp.GetRequiredService<IIncidentAnnouncer>(), sp.GetRequiredService<SummaryFlusher>(),
            sp.GetRequiredService<ProbeLocks>(), sp.GetRequiredService<ProbeCommits>(), sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetRequiredService<IOptions<DetectionOptions>>(), sp.GetRequiredService<IOptions<WatchdogOptions>>(), sp.GetRequiredService<MaintenanceStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WatchdogHandler>>()));
        return services;
    }

    /// <summary>
    /// The signed acknowledge links ("NetPulse:Alerts": AcknowledgeKey, PublicApiBaseUrl), validated at start: the API
    /// checks them and the alerts put them in notices, so either registration may come first; the second adds nothing.
    /// </summary>
    public static IServiceCollection AddNetPulseAcknowledgeLinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(AcknowledgeLinks)))
        {
            return services;
        }

        services.AddOptionsWithValidateOnStart<AcknowledgeLinkOptions, AcknowledgeLinkOptionsValidator>().Bind(configuration.GetSection(AcknowledgeLinkOptions.Section));
        services.TryAddSingleton<AcknowledgeLinks>();
        return services;
    }
}
