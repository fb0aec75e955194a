using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Email;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// The outbox, its delivery and the DeliverAlerts timer's handler, the channels (the email channel's factory here;
    /// other channel types plug in as further <see cref="IAlertChannelFactory"/> registrations) and their routing:
    /// options from "NetPulse:Alerts", "NetPulse:Smtp" and "NetPulse:TimeZone", validated at start (channels and
    /// routes included), and the mail delivery (<see cref="MailServiceCollectionExtensions.AddNetPulseMail"/>).
    /// Needs a <see cref="Azure.Data.Tables.TableServiceClient"/>, a <see cref="Azure.Storage.Queues.QueueServiceClient"/>
    /// (for the legacy alerts queue) and a <see cref="TimeProvider"/> registered.
    /// </summary>
    public static IServiceCollection AddNetPulseAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // The storage settings name the alert tables (TablePrefix) and the legacy queue; a client registered before wins.
        services.AddNetPulseStorage(configuration);
        services.AddNetPulseMail(configuration);
        services.AddNetPulseAcknowledgeLinks(configuration);
        services.TryAddSingleton(new AlertChannelSections(configuration.GetSection(AlertOptions.ChannelsSection)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannelFactory>(new EmailChannelFactory(configuration)));
        services.AddNetPulseHttpAlertChannels();
        services.AddOptionsWithValidateOnStart<AlertOptions, AlertOptionsValidator>()
            .Bind(configuration.GetSection(AlertOptions.Section))
            .Configure(o => o.TimeZone = configuration[AlertOptions.TimeZoneKey] is { Length: > 0 } zone ? zone : o.TimeZone);

        services.TryAddSingleton(sp =>
            new AlertEmailBuilder(TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<IOptions<AlertOptions>>().Value.TimeZone)));
        services.TryAddSingleton(sp => new AlertChannelSet(
            sp.GetRequiredService<AlertChannelSections>(), sp.GetServices<IAlertChannelFactory>(), sp.GetRequiredService<IOptions<AlertOptions>>(), sp));
        services.TryAddSingleton<AlertStateStore>();
        services.TryAddSingleton<AlertOutbox>();
        services.TryAddSingleton<ChannelCircuit>();
        services.TryAddSingleton<AlertDeliverer>();
        services.TryAddSingleton<DashboardLinks>();
        services.TryAddSingleton<AlertRaiser>();
        services.TryAddSingleton<DeliverAlertsHandler>();
        services.TryAddSingleton<IAlertNoticeLog, OutboxNoticeLog>();
        services.TryAddSingleton<IReportAnnouncer, OutboxReportAnnouncer>();
        return services;
    }

    /// <summary>
    /// The announcer that ingestion and the watchdog tell about incidents: it stores their notices in the outbox and
    /// delivers them in the same run (with <see cref="AddNetPulseAlerts"/>). Needs the storage readers of <c>AddNetPulseIngestion</c>.
    /// </summary>
    public static IServiceCollection AddNetPulseAlertOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNetPulseAlerts(configuration);
        services.TryAddSingleton<IIncidentAnnouncer, OutboxAnnouncer>();
        return services;
    }
}
