using System.Text.RegularExpressions;
using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Ntfy;

/// <summary>
/// An ntfy topic: <see cref="Server"/> and <see cref="Topic"/>, or the two as one <see cref="TopicUrl"/>. Without
/// access control the topic name is the only secret (anyone who knows it can read), so pick a long random one.
/// </summary>
public sealed class NtfyOptions
{
    public const string DefaultServer = "https://ntfy.sh";

    /// <summary>The ntfy server, e.g. https://ntfy.example.org (a base path is kept); ntfy.sh when neither this nor TopicUrl is set.</summary>
    public string? Server { get; set; }

    public string? Topic { get; set; }

    /// <summary>Server and topic in one, e.g. https://ntfy.sh/netpulse-7f3a9c; instead of Server and Topic.</summary>
    public string? TopicUrl { get; set; }

    /// <summary>An ntfy access token (tk_...), sent as Bearer; instead of Username and Password.</summary>
    public string? AccessToken { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where to POST the JSON (the server's root) and the topic, from either form of the settings.</summary>
    public (Uri Server, string Topic) Destination()
    {
        if (!string.IsNullOrWhiteSpace(TopicUrl))
        {
            var url = new Uri(TopicUrl, UriKind.Absolute);
            var path = url.AbsolutePath.TrimEnd('/');
            var slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                return (new Uri(url.GetLeftPart(UriPartial.Authority) + "/"), string.Empty);
            }

            return (new Uri(url.GetLeftPart(UriPartial.Authority) + path[..slash] + "/"), path[(slash + 1)..]);
        }

        var server = string.IsNullOrWhiteSpace(Server) ? DefaultServer : Server;
        return (new Uri(server.TrimEnd('/') + "/"), Topic ?? string.Empty);
    }
}

/// <summary>Every problem with an ntfy section, each with its full key.</summary>
public static partial class NtfyOptionsValidator
{
    public static IReadOnlyList<string> Validate(string path, NtfyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var hasTopicUrl = !string.IsNullOrWhiteSpace(options.TopicUrl);
        var hasTopic = !string.IsNullOrWhiteSpace(options.Topic);
        if (hasTopicUrl && (hasTopic || !string.IsNullOrWhiteSpace(options.Server)))
        {
            problems.Add($"{path}:TopicUrl is set together with Server or Topic: use either TopicUrl or Server and Topic");
        }
        else if (hasTopicUrl)
        {
            var before = problems.Count;
            ChannelSettings.CheckUrl($"{path}:TopicUrl", options.TopicUrl, problems);
            if (problems.Count == before && !TopicName().IsMatch(options.Destination().Topic))
            {
                problems.Add($"{path}:TopicUrl must end in the topic: https://<server>/<topic>, the topic 1-64 letters, digits, '-' or '_'");
            }
        }
        else
        {
            ChannelSettings.CheckUrl($"{path}:Server", options.Server, problems, required: false);
            if (!hasTopic)
            {
                problems.Add($"{path}:Topic is required (or TopicUrl): 1-64 letters, digits, '-' or '_'");
            }
            else if (!TopicName().IsMatch(options.Topic!))
            {
                problems.Add($"{path}:Topic '{options.Topic}' is not a topic name: 1-64 letters, digits, '-' or '_'");
            }
        }

        var hasUser = !string.IsNullOrEmpty(options.Username);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasUser != hasPassword)
        {
            problems.Add($"{path}:{(hasUser ? "Password" : "Username")} is required with {(hasUser ? "Username" : "Password")}: set both or neither");
        }

        if (!string.IsNullOrEmpty(options.AccessToken) && (hasUser || hasPassword))
        {
            problems.Add($"{path}:AccessToken is set together with Username/Password: use one way to sign in");
        }

        if (options.AccessToken is { } token && token.Any(char.IsControl))
        {
            problems.Add($"{path}:AccessToken must not contain line breaks or other control characters");
        }

        ChannelSettings.CheckTimeout($"{path}:Timeout", options.Timeout, problems);
        return problems;
    }

    [GeneratedRegex("^[-_A-Za-z0-9]{1,64}$")]
    private static partial Regex TopicName();
}
