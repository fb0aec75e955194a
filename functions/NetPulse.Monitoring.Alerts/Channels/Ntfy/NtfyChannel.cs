using System.Net.Http.Headers;
using System.Text;
using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Ntfy;

/// <summary>Publishes the notice to an ntfy topic (JSON to the server's root), signed in when credentials are set.</summary>
public sealed class NtfyChannel : IAlertChannel
{
    public const string ChannelType = "ntfy";

    private readonly NtfyOptions _options;
    private readonly Uri _server;
    private readonly string _topic;
    private readonly NtfyMessageBuilder _builder;
    private readonly HttpChannelSender _sender;

    public NtfyChannel(string name, NtfyOptions options, NtfyMessageBuilder builder, HttpChannelSender sender)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        (_server, _topic) = options.Destination();
        _builder = builder;
        _sender = sender;
    }

    public string Name { get; }

    public string Type => ChannelType;

    public async Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _server) { Content = HttpChannelSender.Json(_builder.Build(notice, _topic)) };
        if (!string.IsNullOrEmpty(_options.AccessToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
        }
        else if (!string.IsNullOrEmpty(_options.Username))
        {
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", pair);
        }

        await _sender.SendAsync(Type, Name, request, _options.Timeout, cancellationToken);
    }
}

/// <summary>Makes ntfy channels from sections with Type "ntfy".</summary>
public sealed class NtfyChannelFactory : IAlertChannelFactory
{
    public string Type => NtfyChannel.ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section) =>
        ChannelSettings.Validate<NtfyOptions>(section, NtfyOptionsValidator.Validate);

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        return new NtfyChannel(
            name,
            section.Get<NtfyOptions>() ?? new NtfyOptions(),
            new NtfyMessageBuilder(services.GetRequiredService<NoticeText>()),
            services.GetRequiredService<HttpChannelSender>());
    }
}
