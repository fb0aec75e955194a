using System.Globalization;
using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Webhook;

/// <summary>POSTs the versioned JSON to the configured URL, signed when a secret is set.</summary>
public sealed class WebhookChannel : IAlertChannel
{
    public const string ChannelType = "webhook";

    private readonly WebhookOptions _options;
    private readonly Uri _url;
    private readonly HttpChannelSender _sender;
    private readonly TimeProvider _time;

    public WebhookChannel(string name, WebhookOptions options, HttpChannelSender sender, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _sender = sender;
        _time = time;
    }

    public string Name { get; }

    public string Type => ChannelType;

    public async Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        var body = WebhookMessageBuilder.Build(notice);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = HttpChannelSender.Json(body) };
        foreach (var (header, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        // The timestamp is the time of this try, so a receiver can refuse replays older than a few minutes.
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add("X-NetPulse-Notice-Id", notice.Id);
        request.Headers.Add("X-NetPulse-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(_options.Secret))
        {
            request.Headers.Add("X-NetPulse-Signature", WebhookMessageBuilder.Sign(_options.Secret, timestamp, body));
        }

        await _sender.SendAsync(Type, Name, request, _options.Timeout, cancellationToken);
    }
}

/// <summary>Makes webhook channels from sections with Type "webhook".</summary>
public sealed class WebhookChannelFactory : IAlertChannelFactory
{
    public string Type => WebhookChannel.ChannelType;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section) =>
        ChannelSettings.Validate<WebhookOptions>(section, WebhookOptionsValidator.Validate);

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var options = section.Get<WebhookOptions>() ?? new WebhookOptions();
        return new WebhookChannel(
            name,
            options,
            services.GetRequiredService<HttpChannelSender>(),
            services.GetRequiredService<TimeProvider>());
    }
}
