using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Ingestion of ping batches with everything it stands on: storage, incidents (detection, the watchdog, the
    /// readers) and compaction (<see cref="IncidentsServiceCollectionExtensions.AddNetPulseIncidents"/>,
    /// <see cref="RollupsServiceCollectionExtensions.AddNetPulseRollups"/>). Announcing needs an
    /// <see cref="IIncidentAnnouncer"/> (the alerts layer's <c>AddNetPulseAlertOutbox</c>).
    /// </summary>
    public static IServiceCollection AddNetPulseIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNetPulseIncidents(configuration);
        services.AddNetPulseRollups(configuration);

        services.TryAddSingleton<BatchLimits>();
        services.TryAddSingleton<PathIngestion>();
        services.TryAddSingleton<BatchIngestion>();
        services.TryAddSingleton(sp => new ProbeKeyCache(sp.GetRequiredService<ProbeRegistry>()));
        services.TryAddSingleton(sp => new IngestBatchHandler(
            sp.GetRequiredService<BatchIngestion>(),
            sp.GetRequiredService<ProbeKeyCache>(),
            sp.GetRequiredService<PoisonQueues>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetRequiredService<ILogger<IngestBatchHandler>>()));
        services.TryAddSingleton(sp => new CalmBatchDrain(
            sp.GetRequiredService<IngestBatchHandler>(),
            sp.GetRequiredService<PoisonQueues>(),
            sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CalmBatchDrain>>()));
        return services;
    }
}
