using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Teams;

/// <summary>Makes Teams channels from sections with Type "teams": each posts the Adaptive Card to the Teams Workflows webhook.</summary>
public sealed class TeamsChannelFactory : IAlertChannelFactory
{
    public const string ChannelType = "teams";

    public string Type => ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section) =>
        ChannelSettings.Validate<TeamsOptions>(section, TeamsOptionsValidator.Validate);

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var options = section.Get<TeamsOptions>() ?? new TeamsOptions();
        var builder = new TeamsMessageBuilder(services.GetRequiredService<NoticeText>());
        return new JsonPostChannel(ChannelType, name, options.Url!, options.Timeout, builder.Build, services.GetRequiredService<HttpChannelSender>());
    }
}
