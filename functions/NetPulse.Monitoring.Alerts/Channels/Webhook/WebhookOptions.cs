using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Webhook;

/// <summary>A generic webhook: NetPulse POSTs its versioned JSON (<see cref="WebhookMessageBuilder"/>) to <see cref="Url"/>.</summary>
public sealed class WebhookOptions
{
    /// <summary>The receiver: https, or http to loopback only.</summary>
    public string? Url { get; set; }

    /// <summary>When set, each request carries X-NetPulse-Signature (HMAC-SHA256); keep it in Key Vault, never in git.</summary>
    public string? Secret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra request headers, e.g. an API key the receiver wants ("Headers:X-Api-Key").</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Every problem with a webhook section, each with its full key.</summary>
public static class WebhookOptionsValidator
{
    /// <summary>Headers NetPulse sets itself or the HTTP stack owns.</summary>
    private static readonly string[] ReservedHeaders = ["Content-Type", "Content-Length", "Host", "Transfer-Encoding", "Connection"];

    public static IReadOnlyList<string> Validate(string path, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        ChannelSettings.CheckUrl($"{path}:Url", options.Url, problems);
        ChannelSettings.CheckTimeout($"{path}:Timeout", options.Timeout, problems);
        if (options.Secret is { Length: > 0 and < 16 })
        {
            problems.Add($"{path}:Secret is too short to sign with: use at least 16 characters (e.g. openssl rand -hex 32), or leave it empty for unsigned requests");
        }

        foreach (var (name, value) in options.Headers)
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                problems.Add($"{path}:Headers:{name} is not a valid header name: letters, digits and !#$%&'*+-.^_`|~ only");
            }
            else if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("X-NetPulse-", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{path}:Headers:{name} is set by NetPulse itself and cannot be configured");
            }

            if (value.Any(c => char.IsControl(c) && c != '\t'))
            {
                problems.Add($"{path}:Headers:{name} must not contain line breaks or other control characters");
            }
        }

        return problems;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
