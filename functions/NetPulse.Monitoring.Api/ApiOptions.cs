
namespace NetPulse.Monitoring.Api;

/// <summary>The HTTP API's settings ("NetPulse:Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "NetPulse:Api";

    /// <summary>
    /// The dashboard's origins, comma-separated ("https://dash.example.org,http://127.0.0.1:5173"): the only pages a
    /// browser lets call the API. The dev host applies them with ASP.NET Core CORS; in Azure the Function App's CORS
    /// setting does the same (infra/main.bicep fills both), and <c>func start</c> reads "Host:CORS" in local.settings.json.
    /// The default is the dashboard's local origins (npm run dev / preview).
    /// </summary>
    public string AllowedOrigins { get; set; } = "http://127.0.0.1:5173,http://localhost:5173";

    public IReadOnlyList<string> Origins =>
        [.. AllowedOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o => o.TrimEnd('/'))];
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedOrigins is null)
        {
            return ValidateOptionsResult.Fail($"{ApiOptions.Section}:AllowedOrigins must be a comma-separated list of origins (it may be empty)");
        }

        var failures = new List<string>();
        foreach (var origin in options.Origins)
        {
            if (origin == "*")
            {
                failures.Add($"{ApiOptions.Section}:AllowedOrigins must list the dashboard's origins; '*' would let every web page read the API");
            }
            else if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                     || uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                failures.Add($"{ApiOptions.Section}:AllowedOrigins has '{origin}'; an origin is scheme, host and port only, such as https://dash.example.org or http://127.0.0.1:5173");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
