using Azure.Core;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Timers;
using Microsoft.Azure.WebJobs.Host.Timers;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using NetPulse.DevHost.Triggers;
using NetPulse.Monitoring;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.DevHost;

/// <summary>
/// The dev host: the Functions app's handlers under the WebJobs SDK (queue and timer triggers, the
/// engine inside the Functions host) and ASP.NET Core (the HTTP API on the same routes), for machines
/// without Azure Functions Core Tools, the tests and the one-command local run.
/// </summary>
public static class DevHostApplication
{
    /// <summary>Where <c>func start</c> listens, so the dashboard and the probe need no other setting.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>
    /// A folder of the dashboard's built files (web/dist) that the dev host serves at / beside the API, as the
    /// devhost container image does so that one port gives the whole app; unset: no dashboard.
    /// </summary>
    public const string DashboardFolderKey = "NetPulse:DevHost:DashboardFolder";

    /// <summary>
    /// Builds the host. Settings come from appsettings.json, environment variables and the command line,
    /// with the same names as the Functions app's (Core Tools turns local.settings.json into environment
    /// variables; the run script sets them the same way). The queue settings are the Functions app's
    /// host.json, overridable with AzureWebJobs__extensions__queues__&lt;name&gt;.
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. --urls.</param>
    /// <param name="configure">A last say before the host is built (a test adds a log listener here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = HostJson.Load() });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = TriggerDefaults() });

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // The Azure SDK warns about every slow storage response under load; errors are what matter.
        builder.Logging.AddFilter("Azure.Core", LogLevel.Error);

        // Sign-in is open here unless the settings configure it (DevelopmentApi.OpenByDefault); the start log says which.
        builder.Configuration.AddInMemoryCollection(DevelopmentApi.OpenByDefault(builder.Configuration));
        builder.Services.AddNetPulseMonitoring(builder.Configuration);
        builder.Services.AddNetPulseApiCors();
        builder.Host.ConfigureWebJobs(webJobs =>
        {
            webJobs.AddAzureStorageCoreServices();
            webJobs.AddAzureStorageQueues();
            webJobs.AddTimers();
        });

        // Storage that does not answer must not end the process: the listeners back off and resume (StorageOutagePolicy).
        builder.Services.AddSingleton<StorageOutagePolicy>();
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults((options, services) =>
            options.AddPolicy(services.GetRequiredService<StorageOutagePolicy>(), HttpPipelinePosition.PerCall)));
        builder.Services.RemoveAll<IWebJobsExceptionHandler>();
        builder.Services.AddSingleton<IWebJobsExceptionHandler>(services => new StorageOutageExceptionHandler(
            new WebJobsExceptionHandler(services.GetRequiredService<IHost>()),
            services.GetRequiredService<ILogger<StorageOutageExceptionHandler>>()));

        // With this package set the stock monitor fails to load (TypeLoadException in its lock manager);
        // the timers here run with UseMonitor = false anyway, so an in-memory one is all they need.
        builder.Services.RemoveAll<ScheduleMonitor>();
        builder.Services.AddSingleton<ScheduleMonitor, InMemoryScheduleMonitor>();

        // Name the trigger classes instead of scanning loaded assemblies, so a test host finds the same ones.
        builder.Services.RemoveAll<ITypeLocator>();
        builder.Services.AddSingleton<ITypeLocator>(new TriggerTypes());

        configure?.Invoke(builder);
        var app = builder.Build();
        if (app.Configuration[DashboardFolderKey] is { Length: > 0 } dashboard)
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(dashboard));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.MapNetPulseDevelopmentApi();
        return app;
    }

    private static IEnumerable<KeyValuePair<string, string?>> TriggerDefaults() =>
        TriggerSettings.Defaults.Select(d => new KeyValuePair<string, string?>(d.Key, d.Value));
}
