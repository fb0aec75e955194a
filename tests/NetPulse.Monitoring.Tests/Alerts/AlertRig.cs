using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>
/// The alert services as the composition root wires them, over real tables and queues (Azurite) and a fake clock,
/// each rig with its own table prefix and legacy queue so tests run in parallel.
/// </summary>
internal sealed class AlertRig : IDisposable
{
    private readonly ServiceProvider _services;

    private AlertRig(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public AlertRaiser Raiser => _services.GetRequiredService<AlertRaiser>();

    /// <summary>The minute timer's handler.</summary>
    public DeliverAlertsHandler Delivery => _services.GetRequiredService<DeliverAlertsHandler>();

    public AlertOutbox Outbox => _services.GetRequiredService<AlertOutbox>();

    public AlertStateStore States => _services.GetRequiredService<AlertStateStore>();

    public string StateTable => _services.GetRequiredService<IOptions<AlertOptions>>().Value.StateTable;

    /// <summary>The queue versions before the outbox put alerts on.</summary>
    public QueueClient LegacyQueue =>
        _services.GetRequiredService<QueueServiceClient>().GetQueueClient(_services.GetRequiredService<IOptions<StorageOptions>>().Value.AlertQueueName);

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Settings for an SMTP sink on loopback, two recipients, Europe/Berlin times.</summary>
    public static Dictionary<string, string?> SmtpSettings(int port) => new()
    {
        ["NetPulse:Smtp:Host"] = "127.0.0.1",
        ["NetPulse:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NetPulse:Smtp:Security"] = "None",
        ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
        ["NetPulse:Smtp:To"] = "ops@example.org; Ann <ann@example.org>",
        ["NetPulse:Smtp:Timeout"] = "00:00:10",
        ["NetPulse:TimeZone"] = "Europe/Berlin",
    };

    /// <param name="tableOptions">Options of the table client (a counting policy), else the defaults.</param>
    public static AlertRig Create(
        string storageConnectionString, IDictionary<string, string?> settings, Action<IServiceCollection>? services = null, TableClientOptions? tableOptions = null)
    {
        var prefix = "a" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:AlertQueueName"] = "alerts-" + prefix,
            })
            .AddInMemoryCollection(settings)
            .Build();
        var time = new FakeTimeProvider(AlertSamples.Start);
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var provider = collection
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(storageConnectionString, tableOptions ?? new TableClientOptions()))
            .AddSingleton(new QueueServiceClient(storageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseAlerts(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // What ValidateOnStart would do in a host: bad settings fail here, not in the first send.
        _ = provider.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _ = provider.GetRequiredService<IOptions<AlertOptions>>().Value;
        return new AlertRig(provider, time);
    }

    /// <summary>What ingestion's announcer does with an alert it described: store it, then try its channels once.</summary>
    public Task RaiseAsync(AlertMessage alert) =>
        Raiser.RaiseAsync([new RaisedAlert(alert.Kind, alert.Incidents)], deliverNow: true, CancellationToken.None);

    /// <summary>Every notice in the outbox, oldest first.</summary>
    public async Task<List<OutboxEntry>> NoticesAsync() =>
        [.. (await Outbox.ListAsync(null, AlertSamples.Start.AddYears(-1), AlertSamples.Start.AddYears(10), CancellationToken.None)).OrderBy(e => e.StoredAt).ThenBy(e => e.Notice.Id, StringComparer.Ordinal)];

    /// <summary>Runs the minute timer <paramref name="minutes"/> times, a minute of the clock apart.</summary>
    public async Task RunMinutesAsync(int minutes, Func<bool>? until = null)
    {
        for (var i = 0; i < minutes && until?.Invoke() != true; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(1));
            await Delivery.RunAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _services.Dispose();
}
