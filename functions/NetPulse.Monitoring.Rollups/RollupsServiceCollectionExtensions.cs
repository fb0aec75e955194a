using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Rollups;

public static class RollupsServiceCollectionExtensions
{
    /// <summary>Compaction of finished hours, with "NetPulse:Compaction" validated at start, over the storage layer.</summary>
    public static IServiceCollection AddNetPulseRollups(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNetPulseStorage(configuration);

        services.AddOptions<CompactionOptions>().Bind(configuration.GetSection(CompactionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CompactionOptions>, CompactionOptionsValidator>());
        services.TryAddSingleton(sp => new CompactionHandler(
            sp.GetRequiredService<MonitoringTables>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<BatchStore>(),
            sp.GetRequiredService<IOptions<CompactionOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CompactionHandler>>()));
        return services;
    }
}
