using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetPulse.DevHost;
using NetPulse.Testing.Logging;

namespace NetPulse.Testing.DevHost;

/// <summary>
/// The dev host (functions/NetPulse.DevHost: the Functions app's handlers on the WebJobs SDK, the HTTP API on
/// ASP.NET Core) running in the test's process against a fresh Azurite, on a free loopback port, with its queues
/// created up front and its log in a <see cref="TestLog"/>. Mails go to <see cref="MailFolder"/> as .eml files
/// unless the settings name an SMTP server. Use it as an xunit class fixture (a subclass whose parameterless
/// constructor passes its settings) or start one from a rig with <see cref="StartAsync"/>.
/// </summary>
/// <remarks>
/// This file is compiled into each test project that starts a dev host (NetPulse.DevHost.Tests, and
/// NetPulse.EndToEnd.Tests by a linked Compile item) rather than into NetPulse.Testing: NetPulse.Testing is
/// referenced by NetPulse.Functions.Tests, and a reference from it to the dev host would put the WebJobs SDK
/// beside the isolated worker in that project, whose trigger attributes clash (and give every probe test the
/// whole Functions stack).
/// </remarks>
public class DevHostFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string PingBatchQueue = "ping-batches";
    /// <summary>The queue versions before the alert outbox used; DeliverAlerts moves what is left there into the outbox.</summary>
    public const string AlertQueue = "alerts";

    /// <summary>The queue the triggers read (one: alerts go through the outbox table) and its poison queue, created before the host starts so no trigger backs off on a missing one; and the legacy alerts queue, for the upgrade test.</summary>
    public static readonly IReadOnlyList<string> Queues = [PingBatchQueue, PingBatchQueue + "-poison", AlertQueue];

    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private Azurite? _azurite;
    private WebApplication? _app;
    private bool _stopped;
    private bool _disposed;

    /// <param name="settings">
    /// Dev host settings by configuration key (e.g. "NetPulse:Api:AllowedOrigins"), over the fixture's own:
    /// the URL, the storage connection, the pickup-folder mail settings and "Logging:LogLevel:Default" = Warning.
    /// </param>
    /// <param name="log">Where the dev host logs; a fresh <see cref="TestLog"/> without test output when null.</param>
    public DevHostFixture(IReadOnlyDictionary<string, string>? settings = null, TestLog? log = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        Log = log ?? new TestLog();
    }

    /// <summary>Everything the dev host logged that its logging settings let through.</summary>
    public TestLog Log { get; }

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("the dev host has not started");

    public WebApplication App => _app ?? throw new InvalidOperationException("the dev host has not started");

    public IServiceProvider Services => App.Services;

    /// <summary>Where the dev host listens, e.g. http://127.0.0.1:40123.</summary>
    public Uri BaseAddress => new(App.Urls.Single());

    public string MailFolder { get; } = Directory.CreateTempSubdirectory("netpulse-devhost-mail-").FullName;

    /// <summary>Starts a dev host for a rig; the caller disposes it.</summary>
    public static async Task<DevHostFixture> StartAsync(IReadOnlyDictionary<string, string>? settings, TestLog? log, CancellationToken cancellationToken = default)
    {
        var host = new DevHostFixture(settings, log);
        try
        {
            await host.StartCoreAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the queue as the triggers read it: message bodies in Base64.</summary>
    public QueueClient Queue(string name) =>
        new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A client that sends and reads bodies exactly as given: for messages that are not Base64, and for peeking.</summary>
    public QueueClient RawQueue(string name) => new(Azurite.ConnectionString, name);

    /// <summary>Stops the dev host (its triggers and Kestrel); disposing it afterwards stops nothing twice.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null || _stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        GC.SuppressFinalize(this);
        try
        {
            if (_app is not null)
            {
                try
                {
                    using var limit = new CancellationTokenSource(StopLimit);
                    await StopAsync(limit.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
                {
                    // A host that does not stop in time is disposed all the same; Azurite and the folder must still go.
                }
                finally
                {
                    await _app.DisposeAsync();
                }
            }
        }
        finally
        {
            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }

            try
            {
                Directory.Delete(MailFolder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>A last say over the settings, once <see cref="Azurite"/> runs (a setting that needs its ports, say).</summary>
    protected virtual void AdjustSettings(IDictionary<string, string> settings)
    {
    }

    Task IAsyncLifetime.InitializeAsync() => StartCoreAsync(CancellationToken.None);

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _azurite = await Azurite.StartAsync(cancellationToken);
        foreach (var queue in Queues)
        {
            await RawQueue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
            ["NetPulse:Smtp:To"] = "ops@example.org",
            ["NetPulse:Smtp:PickupFolder"] = MailFolder,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        AdjustSettings(settings);

        _app = DevHostApplication.Build(
            [.. settings.Select(s => string.Create(CultureInfo.InvariantCulture, $"--{s.Key}={s.Value}"))],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(Log);
            });
        await _app.StartAsync(cancellationToken);
    }
}
