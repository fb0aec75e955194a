using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetPulse.Monitoring.Incidents;

/// <summary>The signed acknowledge link in alert messages ("NetPulse:Alerts": AcknowledgeKey, PublicApiBaseUrl, AcknowledgeLinkLifetime).</summary>
public sealed class AcknowledgeLinkOptions
{
    public const string Section = "NetPulse:Alerts";

    /// <summary>The HMAC-SHA256 key that signs links: at least 32 characters, a secret (Key Vault). Unset: no links are made or accepted.</summary>
    public string? AcknowledgeKey { get; set; }

    /// <summary>The API's public address as a reader of a message reaches it, e.g. "https://netpulse-func.azurewebsites.net/api". Unset: no links.</summary>
    public string? PublicApiBaseUrl { get; set; }

    /// <summary>How long a link works after it was made.</summary>
    public TimeSpan AcknowledgeLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    internal const int MinKeyLength = 32;
}

internal sealed class AcknowledgeLinkOptionsValidator : IValidateOptions<AcknowledgeLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, AcknowledgeLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AcknowledgeKey is { Length: > 0 } key && key.Length < AcknowledgeLinkOptions.MinKeyLength)
        {
            failures.Add($"{AcknowledgeLinkOptions.Section}:AcknowledgeKey is {key.Length} characters; it must be at least {AcknowledgeLinkOptions.MinKeyLength} (e.g. 'openssl rand -base64 48'), or unset to make no acknowledge links");
        }

        if (options.PublicApiBaseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Query.Length > 0))
        {
            failures.Add($"{AcknowledgeLinkOptions.Section}:PublicApiBaseUrl '{url}' must be an absolute http(s) address without a query, e.g. 'https://netpulse-func.azurewebsites.net/api'");
        }

        if (options.AcknowledgeLinkLifetime < TimeSpan.FromMinutes(5) || options.AcknowledgeLinkLifetime > TimeSpan.FromDays(90))
        {
            failures.Add($"{AcknowledgeLinkOptions.Section}:AcknowledgeLinkLifetime is {options.AcknowledgeLinkLifetime}; it must be between 00:05:00 and 90.00:00:00");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Makes and checks the acknowledge link of an incident: GET {PublicApiBaseUrl}/ack?probe&amp;incident&amp;expires&amp;sig,
/// where sig is Base64url HMAC-SHA256 over "probe\nincident\nexpires" (expires in Unix seconds) with
/// <see cref="AcknowledgeLinkOptions.AcknowledgeKey"/>. The link is a bearer capability for one incident: whoever holds
/// it may acknowledge that incident until it expires, nothing else.
/// </summary>
public sealed class AcknowledgeLinks(IOptions<AcknowledgeLinkOptions> options, TimeProvider time)
{
    /// <summary>The path of the link under the API's base address (the route the API maps).</summary>
    public const string Path = "ack";

    /// <summary>Whether links can be checked (a key is configured).</summary>
    public bool CanVerify => options.Value.AcknowledgeKey is { Length: > 0 };

    /// <summary>The link for an incident; null when the key or the public base URL is not configured.</summary>
    public Uri? Create(string probeId, string incidentId)
    {
        ArgumentNullException.ThrowIfNull(probeId);
        ArgumentNullException.ThrowIfNull(incidentId);
        var o = options.Value;
        if (o.AcknowledgeKey is not { Length: > 0 } || o.PublicApiBaseUrl is not { Length: > 0 } baseUrl)
        {
            return null;
        }

        var expires = (time.GetUtcNow() + o.AcknowledgeLinkLifetime).ToUnixTimeSeconds();
        var query = string.Create(CultureInfo.InvariantCulture,
            $"probe={Uri.EscapeDataString(probeId)}&incident={Uri.EscapeDataString(incidentId)}&expires={expires}&sig={Sign(probeId, incidentId, expires)}");
        return new Uri($"{baseUrl.TrimEnd('/')}/{Path}?{query}");
    }

    /// <summary>Null when the link is genuine and not expired; otherwise why it is refused.</summary>
    public string? Check(string? probeId, string? incidentId, string? expires, string? signature)
    {
        if (!CanVerify)
        {
            return "acknowledge links are not enabled here (NetPulse:Alerts:AcknowledgeKey is not set)";
        }

        if (string.IsNullOrEmpty(probeId) || string.IsNullOrEmpty(incidentId) || string.IsNullOrEmpty(signature)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return "the link is incomplete: it needs probe, incident, expires and sig as the message gave them";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(probeId, incidentId, expiresAt));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
        {
            return "the link's signature does not match: it was changed, or made with another key";
        }

        return time.GetUtcNow().ToUnixTimeSeconds() > expiresAt
            ? $"the link expired at {DateTimeOffset.FromUnixTimeSeconds(expiresAt):yyyy-MM-dd HH:mm} UTC; acknowledge the incident from the dashboard"
            : null;
    }

    private string Sign(string probeId, string incidentId, long expires)
    {
        var key = Encoding.UTF8.GetBytes(options.Value.AcknowledgeKey!);
        var text = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{probeId}\n{incidentId}\n{expires}"));
        return Convert.ToBase64String(HMACSHA256.HashData(key, text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
