using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Slack;

/// <summary>A Slack incoming webhook (https://hooks.slack.com/services/...): the URL is the secret, kept in Key Vault.</summary>
public sealed class SlackOptions
{
    public string? Url { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Every problem with a Slack section, each with its full key.</summary>
public static class SlackOptionsValidator
{
    public static IReadOnlyList<string> Validate(string path, SlackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        ChannelSettings.CheckUrl($"{path}:Url", options.Url, problems);
        ChannelSettings.CheckTimeout($"{path}:Timeout", options.Timeout, problems);
        return problems;
    }
}
