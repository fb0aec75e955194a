using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Teams;

/// <summary>
/// A Microsoft Teams channel through a Workflows (Power Automate) webhook: the URL of a flow made from the template
/// "Send webhook alerts to a channel". Its query string holds the flow's signature: a secret, kept in Key Vault.
/// </summary>
public sealed class TeamsOptions
{
    public string? Url { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Every problem with a Teams section, each with its full key.</summary>
public static class TeamsOptionsValidator
{
    public static IReadOnlyList<string> Validate(string path, TeamsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        ChannelSettings.CheckUrl($"{path}:Url", options.Url, problems);
        if (Uri.TryCreate(options.Url, UriKind.Absolute, out var url) && IsRetiredConnector(url))
        {
            problems.Add($"{path}:Url is an Office 365 connector (Incoming Webhook) URL, which Microsoft retired: " +
                         "create a Workflow \"Send webhook alerts to a channel\" in the channel and use its URL");
        }

        ChannelSettings.CheckTimeout($"{path}:Timeout", options.Timeout, problems);
        return problems;
    }

    private static bool IsRetiredConnector(Uri url) =>
        url.Host.EndsWith(".webhook.office.com", StringComparison.OrdinalIgnoreCase)
        || url.Host.Equals("outlook.office.com", StringComparison.OrdinalIgnoreCase);
}
