using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts.Channels.Http;

/// <summary>
/// Sends one request of an HTTP channel and turns every way it can fail into an <see cref="AlertDeliveryException"/>
/// that says whether a retry can help. One request, no retries: the outbox retries with back-off. Messages name the
/// channel, the status and an excerpt of the answer, but of the URL only scheme and host, because Teams, Slack and
/// ntfy URLs carry their secret in the path or the query.
/// </summary>
public sealed class HttpChannelSender
{
    private const int ExcerptLength = 200;

    private readonly IHttpClientFactory _clients;

    public HttpChannelSender(IHttpClientFactory clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _clients = clients;
    }

    /// <summary>The named HttpClient of a channel type, e.g. "NetPulse.Alerts.teams".</summary>
    public static string ClientName(string type) => "NetPulse.Alerts." + type;

    /// <summary>The part of a URL that may be shown: "https://hooks.slack.com".</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Authority) : "(relative URL)";
    }

    /// <summary>A JSON body as the channels send it.</summary>
    public static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>Sends <paramref name="request"/> once; returns when the receiver answered 2xx.</summary>
    /// <exception cref="AlertDeliveryException">Anything else, transient or not as <see cref="AlertDeliveryException.IsTransient"/> documents.</exception>
    public async Task SendAsync(string type, string channel, HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var where = $"{type} channel '{channel}' ({Redact(request.RequestUri!)})";
        var client = _clients.CreateClient(ClientName(type));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var excerpt = await ExcerptAsync(response, deadline.Token);
            var status = (int)response.StatusCode;
            var what = $"{where} answered HTTP {status} {response.ReasonPhrase}{excerpt}";
            throw new AlertDeliveryException(Explain(response.StatusCode, what), IsTransient(response.StatusCode));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"{where} did not answer within {timeout.TotalSeconds:0.#} s", isTransient: true, ex);
        }
        catch (HttpRequestException ex)
        {
            // Refused, reset, DNS failure, TLS trouble: the receiver or the way to it may be back later. The inner
            // exception names host and port at most, never the path.
            throw new AlertDeliveryException($"{where} could not be reached ({ex.HttpRequestError}): {ex.Message}", isTransient: true, ex);
        }
    }

    /// <summary>408, 425, 429 and 5xx can pass; every other status needs a fix of configuration (or of the receiver).</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or (HttpStatusCode)425 or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Explain(HttpStatusCode status, string what) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => what + " (check the channel's credentials or URL)",
        HttpStatusCode.NotFound or HttpStatusCode.Gone => what + " (the URL is wrong or was deleted: configure a new one)",
        HttpStatusCode.RequestEntityTooLarge => what + " (the message is too large for the receiver)",
        _ when (int)status is >= 300 and < 400 => what + " (redirects are not followed: configure the final URL)",
        _ => what,
    };

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Read only the start: an error page can be large, and a stalled one must not hold the delivery.
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ExcerptLength * 4];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = MailText.SingleLine(Encoding.UTF8.GetString(buffer, 0, read), ExcerptLength);
            return text.Length == 0 ? string.Empty : $": {text}";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }
}
