using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>
/// The alert services as the composition root wires them, over a real table (Azurite) and a fake clock,
/// each rig with its own state table so tests run in parallel.
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

    public SendAlertHandler Sender => _services.GetRequiredService<SendAlertHandler>();

    public AlertReminderHandler Reminders => _services.GetRequiredService<AlertReminderHandler>();

    public AlertStateStore States => _services.GetRequiredService<AlertStateStore>();

    public string StateTable => _services.GetRequiredService<IOptions<AlertOptions>>().Value.StateTable;

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

    public static AlertRig Create(string storageConnectionString, IDictionary<string, string?> settings)
    {
        var table = "alertstate" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["NetPulse:Alerts:StateTable"] = table })
            .Build();
        var time = new FakeTimeProvider(AlertSamples.Start);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new TableServiceClient(storageConnectionString))
            .AddNetPulseAlerts(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // What ValidateOnStart would do in a host: bad settings fail here, not in the first send.
        _ = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _ = services.GetRequiredService<IOptions<AlertOptions>>().Value;
        return new AlertRig(services, time);
    }

    public void Dispose() => _services.Dispose();
}
