using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// The alert sender and the reminder: options from "NetPulse:Smtp", "NetPulse:Alerts" and "NetPulse:TimeZone",
    /// validated at start, and the mail delivery (<see cref="MailServiceCollectionExtensions.AddNetPulseMail"/>).
    /// Needs a <see cref="Azure.Data.Tables.TableServiceClient"/> and a <see cref="TimeProvider"/> registered.
    /// </summary>
    public static IServiceCollection AddNetPulseAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // The storage settings name the alert state's table (TablePrefix); a client registered before wins.
        services.AddNetPulseStorage(configuration);
        services.AddNetPulseMail(configuration);
        services.AddOptionsWithValidateOnStart<AlertOptions, AlertOptionsValidator>()
            .Bind(configuration.GetSection(AlertOptions.Section))
            .Configure(o => o.TimeZone = configuration[AlertOptions.TimeZoneKey] is { Length: > 0 } zone ? zone : o.TimeZone);

        services.TryAddSingleton(sp =>
            new AlertEmailBuilder(TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<IOptions<AlertOptions>>().Value.TimeZone)));
        services.TryAddSingleton<AlertMailer>();
        services.TryAddSingleton<AlertStateStore>();
        services.TryAddSingleton<SendAlertHandler>();
        services.TryAddSingleton<AlertReminderHandler>();
        return services;
    }

    /// <summary>
    /// The announcer that ingestion and the watchdog tell about incidents: it puts their alerts on the alerts queue.
    /// Needs the storage clients and readers of <c>AddNetPulseIngestion</c>.
    /// </summary>
    public static IServiceCollection AddNetPulseAlertQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<IIncidentAnnouncer, AlertPublisher>();
        return services;
    }
}
