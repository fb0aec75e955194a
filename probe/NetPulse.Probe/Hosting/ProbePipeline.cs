using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Hosting;

/// <summary>Registers the probe's pipeline: ICMP engine → sample channel → batcher → spool → queue sender.</summary>
public static class ProbePipeline
{
    public static IServiceCollection AddProbePipeline(this IServiceCollection services, PingEngineChoice? engine = null)
    {
        services.AddPingEngine(engine);
        services.AddSingleton<SampleChannel>();
        services.AddSingleton<BatchSpool>();
        services.AddSingleton(sp => BatchSigner.Load(sp.GetRequiredService<IOptions<ProbeOptions>>().Value));
        // The host stops services in reverse order: the engine stops first, then the batcher drains the
        // channel and spools the open batch, then the sender gets its last chance to send.
        services.AddHostedService<QueueSender>();
        services.AddHostedService<Batcher>();
        services.AddHostedService<PingWorker>();
        return services;
    }
}
