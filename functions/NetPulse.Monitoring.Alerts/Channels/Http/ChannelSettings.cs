using System.Net;

namespace NetPulse.Monitoring.Alerts.Channels.Http;

/// <summary>Binding and the checks the HTTP channels' settings share, each problem naming its full key.</summary>
public static class ChannelSettings
{
    /// <summary>The longest a channel may wait for one answer; the outbox retries after that anyway.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Binds a channel's section; a value that does not convert (e.g. Timeout "ten") is a problem, not an exception.</summary>
    public static T? Bind<T>(IConfigurationSection section, List<string> problems)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            return section.Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key path and the value ("Failed to convert configuration value at ...").
            problems.Add($"{section.Path}: {ex.Message}{(ex.InnerException is { } inner ? " " + inner.Message : string.Empty)}");
            return null;
        }
    }

    /// <summary>
    /// What every HTTP channel factory's Validate does: bind the section (a value that does not convert is a problem),
    /// then the type's own checks, each problem with its full key.
    /// </summary>
    public static IReadOnlyList<string> Validate<T>(IConfigurationSection section, Func<string, T, IReadOnlyList<string>> validate)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(validate);
        var problems = new List<string>();
        if (Bind<T>(section, problems) is { } options)
        {
            problems.AddRange(validate(section.Path, options));
        }

        return problems;
    }

    /// <summary>An absolute https URL, or http to loopback (a local receiver, a test); never credentials in it.</summary>
    public static void CheckUrl(string key, string? value, List<string> problems, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                problems.Add($"{key} is required: the receiver's absolute https URL");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{key} must be an absolute https URL (e.g. https://example.org/hook)");
            return;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url))
        {
            problems.Add($"{key} must use https: http is accepted only to loopback (127.0.0.1, ::1, localhost), scheme and host given: {HttpChannelSender.Redact(url)}");
        }

        if (url.UserInfo.Length > 0)
        {
            problems.Add($"{key} must not carry a user or password: use the channel's own credential settings");
        }
    }

    public static void CheckTimeout(string key, TimeSpan timeout, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (timeout < TimeSpan.FromSeconds(1) || timeout > MaxTimeout)
        {
            problems.Add($"{key} must be between 00:00:01 and {MaxTimeout:hh\\:mm\\:ss}, not {timeout}");
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
