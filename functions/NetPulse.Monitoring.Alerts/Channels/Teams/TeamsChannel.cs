using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Teams;

/// <summary>Posts the Adaptive Card to the Teams Workflows webhook.</summary>
public sealed class TeamsChannel : IAlertChannel
{
    public const string ChannelType = "teams";

    private readonly TeamsOptions _options;
    private readonly Uri _url;
    private readonly TeamsMessageBuilder _builder;
    private readonly HttpChannelSender _sender;

    public TeamsChannel(string name, TeamsOptions options, TeamsMessageBuilder builder, HttpChannelSender sender)
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

/// <summary>Makes Teams channels from sections with Type "teams".</summary>
public sealed class TeamsChannelFactory : IAlertChannelFactory
{
    public string Type => TeamsChannel.ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        if (ChannelSettings.Bind<TeamsOptions>(section, problems) is { } options)
        {
            problems.AddRange(TeamsOptionsValidator.Validate(section.Path, options));
        }

        return problems;
    }

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        return new TeamsChannel(
            name,
            section.Get<TeamsOptions>() ?? new TeamsOptions(),
            new TeamsMessageBuilder(services.GetRequiredService<NoticeText>()),
            services.GetRequiredService<HttpChannelSender>());
    }
}
