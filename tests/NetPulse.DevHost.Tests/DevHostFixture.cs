using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetPulse.Testing;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// A fresh Azurite and the dev host running in this process against it, listening on a free loopback
/// port, mails going to a temporary folder. Failed messages are retried at once (visibility timeout 0)
/// so the poison path takes seconds, not the 30 s per retry of host.json.
/// </summary>
public sealed class DevHostFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private WebApplication? _app;

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("not started");

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    public Uri BaseAddress { get; private set; } = null!;

    public TriggerLog Triggers { get; } = new();

    public string MailFolder { get; } = Directory.CreateTempSubdirectory("netpulse-devhost-mail-").FullName;

    public const int MaxDequeueCount = 5;

    public QueueClient Queue(string name) =>
        new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A client that sends bodies exactly as given: for messages that are not Base64.</summary>
    public QueueClient RawQueue(string name) => new(Azurite.ConnectionString, name);

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        foreach (var queue in new[] { "ping-batches", "ping-batches-poison", "alerts", "alerts-poison" })
        {
            await RawQueue(queue).CreateIfNotExistsAsync();
        }

        _app = DevHostApplication.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--AzureWebJobsStorage={_azurite.ConnectionString}",
            "--AzureWebJobs:extensions:queues:visibilityTimeout=00:00:00",
            "--NetPulse:Smtp:From=NetPulse <netpulse@example.org>",
            "--NetPulse:Smtp:To=ops@example.org",
            $"--NetPulse:Smtp:PickupFolder={MailFolder}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Function=Information",
        ],
        builder => builder.Logging.AddProvider(Triggers));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        Directory.Delete(MailFolder, recursive: true);
    }

}
