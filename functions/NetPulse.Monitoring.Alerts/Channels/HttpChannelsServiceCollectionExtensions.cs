using NetPulse.Monitoring.Alerts.Channels.Http;
using NetPulse.Monitoring.Alerts.Channels.Ntfy;
using NetPulse.Monitoring.Alerts.Channels.Slack;
using NetPulse.Monitoring.Alerts.Channels.Teams;
using NetPulse.Monitoring.Alerts.Channels.Webhook;

namespace NetPulse.Monitoring.Alerts.Channels;

public static class HttpChannelsServiceCollectionExtensions
{
    private static readonly string[] Types = [WebhookChannel.ChannelType, TeamsChannelFactory.ChannelType, SlackChannelFactory.ChannelType, NtfyChannel.ChannelType];

    /// <summary>
    /// The HTTP alert channels' factories (types "webhook", "teams", "slack", "ntfy") and what they send with: a named
    /// HttpClient per type from IHttpClientFactory, without retries (the outbox retries), without redirects (a signed
    /// body goes only where it was configured to) and without the factory's request logging, which would write URLs
    /// whose path or query is the secret. Needs <see cref="AlertOptions"/> (the time zone) and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddNetPulseHttpAlertChannels(this IServiceCollection services)
    {
        foreach (var type in Types)
        {
            services.AddHttpClient(HttpChannelSender.ClientName(type))
                .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                })
                .RemoveAllLoggers();
        }

        services.TryAddSingleton<HttpChannelSender>();
        services.TryAddSingleton(sp =>
            new NoticeText(TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<IOptions<AlertOptions>>().Value.TimeZone)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannelFactory, WebhookChannelFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannelFactory, TeamsChannelFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannelFactory, SlackChannelFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannelFactory, NtfyChannelFactory>());
        return services;
    }
}
