using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Slack;

/// <summary>Posts the Block Kit message to the Slack incoming webhook.</summary>
public sealed class SlackChannel : IAlertChannel
{
    public const string ChannelType = "slack";

    private readonly SlackOptions _options;
    private readonly Uri _url;
    private readonly SlackMessageBuilder _builder;
    private readonly HttpChannelSender _sender;

    public SlackChannel(string name, SlackOptions options, SlackMessageBuilder builder, HttpChannelSender sender)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _builder = builder;
        _sender = sender;
    }

    public string Name { get; }

    public string Type => ChannelType;

    public async Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = HttpChannelSender.Json(_builder.Build(notice)) };
        await _sender.SendAsync(Type, Name, request, _options.Timeout, cancellationToken);
    }
}

/// <summary>Makes Slack channels from sections with Type "slack".</summary>
public sealed class SlackChannelFactory : IAlertChannelFactory
{
    public string Type => SlackChannel.ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        if (ChannelSettings.Bind<SlackOptions>(section, problems) is { } options)
        {
            problems.AddRange(SlackOptionsValidator.Validate(section.Path, options));
        }

        return problems;
    }

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        return new SlackChannel(
            name,
            section.Get<SlackOptions>() ?? new SlackOptions(),
            new SlackMessageBuilder(services.GetRequiredService<NoticeText>()),
            services.GetRequiredService<HttpChannelSender>());
    }
}
