using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>Builds the probe's Generic Host: configuration sources, validated options, the pipeline services.</summary>
public static class ProbeHost
{
    /// <summary>Creates the host builder with configuration loaded and options validated at start.</summary>
    /// <exception cref="ProbeConfigurationException">A settings or targets file is missing or not valid JSON.</exception>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // Settings ship beside the binary; a service's working directory is often "/" or System32.
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddTargetsFile(builder);
        var locator = new ConfigurationLocator(builder.Configuration);
        locator.CheckBindsProbe();
        locator.CheckBindsTargets();

        builder.Services.AddSingleton<IValidateOptions<ProbeOptions>, ProbeOptionsValidator>();
        builder.Services.AddOptions<ProbeOptions>()
            .Bind(builder.Configuration.GetSection(ProbeOptions.Section))
            .PostConfigure(options =>
            {
                UseTargetsFile(options, builder.Configuration);
                if (!string.IsNullOrWhiteSpace(options.Spool.Path))
                {
                    options.Spool.Path = ResolvePath(options.Spool.Path);

                    // import-targets records the API in the spool folder, so the next run is managed without a setting.
                    options.Backend.ApiUrl ??= ManagedTargetFiles.LoadBackend(options.Spool.Path);
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => TargetList.From(sp.GetRequiredService<IOptions<ProbeOptions>>().Value));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(options => options.ServiceName = "NetPulse Probe");
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
        return builder;
    }

    /// <summary>The host that <c>run</c> starts: <see cref="CreateBuilder"/> with the whole pipeline. Tests build this same host.</summary>
    /// <exception cref="ProbeConfigurationException">A settings or targets file is missing or not valid JSON.</exception>
    public static HostApplicationBuilder CreateRunBuilder(string[] args)
    {
        var builder = CreateBuilder(args);

        // Only run settles the id: status and check-config must not write a file as a side effect of reading.
        builder.Services.AddSingleton<ProbeIdSettler>();
        builder.Services.AddOptions<ProbeOptions>().PostConfigure<ProbeIdSettler>((options, settler) =>
        {
            if (!string.IsNullOrWhiteSpace(options.Spool.Path))
            {
                options.Id = settler.Settle(options);
            }
        });
        builder.Services.AddProbePipeline();
        return builder;
    }

    /// <summary>The probe's options, validated; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static ProbeOptions ValidatedOptions(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ProbeOptions>>().Value;

    /// <summary>Resolves a path from configuration against the content root (the binary's folder) unless absolute.</summary>
    public static string ResolvePath(string path) => Path.GetFullPath(path, AppContext.BaseDirectory);

    private static void AddTargetsFile(HostApplicationBuilder builder)
    {
        var file = builder.Configuration[$"{ProbeOptions.Section}:{nameof(ProbeOptions.TargetsFile)}"];
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        var path = ResolvePath(file);
        if (!File.Exists(path))
        {
            throw new ProbeConfigurationException($"{path}: the targets file named by Probe:TargetsFile does not exist");
        }

        try
        {
            // Reloaded on change: without central management, an edit of the targets applies without a restart (TargetsFileWatcher).
            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ProbeConfigurationException($"{path}: not valid JSON: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>Targets from a targets file replace any in the Probe section, so the two never merge index by index.</summary>
    private static void UseTargetsFile(ProbeOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.TargetsFile))
        {
            options.Targets = configuration.GetSection("Targets").Get<List<TargetOptions>>() ?? [];
        }
    }

    /// <summary>
    /// Settles the id once per host and says where it came from. The options are built more than once (for
    /// <c>IOptions</c> and again for the validation on start), and the id must be read, generated and logged once.
    /// </summary>
    private sealed class ProbeIdSettler(ILoggerFactory loggers)
    {
        private readonly ILogger _logger = loggers.CreateLogger(typeof(ProbeIdFile));
        private readonly Lock _gate = new();
        private string? _id;

        public string Settle(ProbeOptions options)
        {
            lock (_gate)
            {
                return _id ??= ResolveAndLog(options);
            }
        }

        private string ResolveAndLog(ProbeOptions options)
        {
            var resolved = ProbeIdFile.ResolveOrCreate(options.Id, options.Spool.Path, Environment.MachineName);
            switch (resolved.Source)
            {
                case ProbeIdSource.Configured:
                    _logger.LogInformation("Probe id {ProbeId} is configured (Probe:Id)", resolved.Id);
                    break;
                case ProbeIdSource.File:
                    _logger.LogInformation("Probe id {ProbeId} read from {ProbeIdFile}", resolved.Id, resolved.File);
                    break;
                case ProbeIdSource.Generated:
                    _logger.LogInformation("Probe id {ProbeId} generated (Probe:Id is not set) and kept in {ProbeIdFile}; later starts reuse it", resolved.Id, resolved.File);
                    break;
            }

            return resolved.Id;
        }
    }
}
