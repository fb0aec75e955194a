using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;

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
        services.AddSingleton(sp => CreateLiveTargets(
            sp.GetRequiredService<IOptions<ProbeOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<LiveTargets>()));
        services.AddSingleton<ProbeStatusReporter>();
        services.AddSingleton<CalmBatches>();
        services.AddHostedService<QueueSender>();
        services.AddHostedService<Batcher>();
        services.AddHostedService<PingWorker>();

        // Path snapshots: taken in the background when the batcher sees trouble begin (and as a baseline), shipped in its
        // batches. Stopped before the engine: a snapshot still running at a stop is given up, not waited for.
        services.AddSingleton<FinishedPathSnapshots>();
        services.AddSingleton<PathSnapshotScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<PathSnapshotScheduler>());

        // The targets' sources start last and stop first: the backend's list (central management) or the file's changes.
        services.AddSingleton<IHostedService>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ProbeOptions>>().Value;
            if (options.Backend.ApiUrl is not { } api)
            {
                return ActivatorUtilities.CreateInstance<TargetsFileWatcher>(sp);
            }

            var http = new HttpClient { Timeout = TargetListTimeout };
            var time = sp.GetRequiredService<TimeProvider>();
            var client = new TargetListClient(http, api, sp.GetRequiredService<BatchSigner>(), time);
            return ActivatorUtilities.CreateInstance<ManagedTargetsService>(sp, client, new TargetListSignal(http, time));
        });
        return services;
    }

    /// <summary>How long one fetch of the target list may take.</summary>
    public static readonly TimeSpan TargetListTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The list the probe starts with: centrally managed, the last good list on disk (the backend may be down; the
    /// first fetch follows at once); else, or with no list on disk yet, the local configuration's targets.
    /// </summary>
    public static LiveTargets CreateLiveTargets(ProbeOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Backend.ApiUrl is not { } api)
        {
            return new LiveTargets(TargetList.From(options));
        }

        if (ManagedTargetFiles.LoadCache(options.Spool.Path, options.Id!, out var problem) is { } cached)
        {
            logger.LogInformation(
                "Targets are managed by {Api}: starting with the last good list, version {Version}, from {Path}; fetching the current one now",
                api, cached.Version, ManagedTargetFiles.CachePath(options.Spool.Path));
            return new LiveTargets(TargetList.From(cached.Targets, options.TimeoutMs), ManagedTargetsService.Managed(cached.Version));
        }

        if (problem.Length > 0)
        {
            logger.LogWarning("The last good target list cannot be used ({Problem})", problem);
        }

        logger.LogInformation(
            "Targets are managed by {Api}, but no managed list is on disk yet: starting with the local configuration's targets until the backend answers", api);
        return new LiveTargets(TargetList.From(options));
    }
}
