namespace NetPulse.Monitoring.Alerts.Channels.Http;

/// <summary>
/// A channel that POSTs one JSON document per notice to a fixed URL whose query or path is the secret (Slack's
/// incoming webhook, a Teams Workflows webhook): only the document differs between such services, so each brings
/// its message builder and this does the rest.
/// </summary>
public sealed class JsonPostChannel : IAlertChannel
{
    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly Func<AlertNotice, byte[]> _buildMessage;
    private readonly HttpChannelSender _sender;

    public JsonPostChannel(string type, string name, string url, TimeSpan timeout, Func<AlertNotice, byte[]> buildMessage, HttpChannelSender sender)
    {
        Type = type;
        Name = name;
        _url = new Uri(url, UriKind.Absolute);
        _timeout = timeout;
        _buildMessage = buildMessage;
        _sender = sender;
    }

    public string Name { get; }

    public string Type { get; }

    public async Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = HttpChannelSender.Json(_buildMessage(notice)) };
        await _sender.SendAsync(Type, Name, request, _timeout, cancellationToken);
    }
}
