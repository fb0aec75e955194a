using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NetPulse.Probe.Icmp;

public static class PingEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ping engine (chosen once, at first resolution, by <see cref="PingEngineFactory"/>), its
    /// stats, the CLI's <see cref="OneShotPinger"/> and what they need. Expects <c>IOptions&lt;ProbeOptions&gt;</c>
    /// to be bound by the caller; adds <see cref="TimeProvider.System"/> unless a TimeProvider is registered.
    /// </summary>
    /// <param name="choice">The ICMP path; null for the configured one (<c>Probe:Icmp:Engine</c>).</param>
    public static IServiceCollection AddPingEngine(this IServiceCollection services, PingEngineChoice? choice = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TargetResolver>();
        services.TryAddSingleton<PingEngineFactory>();
        services.TryAddSingleton(provider => provider.GetRequiredService<PingEngineFactory>().Create(choice));
        services.TryAddSingleton(provider => provider.GetRequiredService<IPingEngine>().Stats);
        services.TryAddSingleton(provider => new OneShotPinger(
            provider.GetRequiredService<PingEngineFactory>(),
            provider.GetRequiredService<TargetResolver>(),
            choice));
        return services;
    }
}
