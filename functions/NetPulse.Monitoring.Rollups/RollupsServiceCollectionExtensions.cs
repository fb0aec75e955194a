using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Rollups;

public static class RollupsServiceCollectionExtensions
{
    /// <summary>Compaction of finished hours, with "NetPulse:Compaction" validated at start, over the storage layer.</summary>
    public static IServiceCollection AddNetPulseRollups(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNetPulseStorage(configuration);

        services.AddOptionsWithValidateOnStart<CompactionOptions, CompactionOptionsValidator>().Bind(configuration.GetSection(CompactionOptions.Section));
        services.TryAddSingleton(sp => new CompactionHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(),
            sp.GetRequiredService<IOptions<CompactionOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CompactionHandler>>()));
        return services;
    }
}
