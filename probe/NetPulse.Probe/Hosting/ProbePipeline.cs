using Microsoft.Extensions.DependencyInjection;

namespace NetPulse.Probe.Hosting;

/// <summary>Registers the probe's pipeline: ICMP engine → sample channel → batcher → spool → queue sender.</summary>
public static class ProbePipeline
{
    public static IServiceCollection AddProbePipeline(this IServiceCollection services)
    {
        // Wired in once the engine, batcher, spool and sender land.
        return services;
    }
}
