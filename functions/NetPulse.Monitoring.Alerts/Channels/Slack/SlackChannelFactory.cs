using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Slack;

/// <summary>Makes Slack channels from sections with Type "slack": each posts the Block Kit message to the Slack incoming webhook.</summary>
public sealed class SlackChannelFactory : IAlertChannelFactory
{
    public const string ChannelType = "slack";

    public string Type => ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section) =>
        ChannelSettings.Validate<SlackOptions>(section, SlackOptionsValidator.Validate);

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var options = section.Get<SlackOptions>() ?? new SlackOptions();
        var builder = new SlackMessageBuilder(services.GetRequiredService<NoticeText>());
        return new JsonPostChannel(ChannelType, name, options.Url!, options.Timeout, builder.Build, services.GetRequiredService<HttpChannelSender>());
    }
}
