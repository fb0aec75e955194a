using System.Net;

namespace NetPulse.Monitoring.Api.SignIn;

/// <summary>Whether the HTTP API asks for a token.</summary>
public enum SignInMode
{
    /// <summary>Every route but the anonymous ones needs an Entra ID access token with a NetPulse role.</summary>
    Required,

    /// <summary>Nobody signs in and every route answers: for a local run on loopback only.</summary>
    Open,
}

/// <summary>
/// Who may call the HTTP API ("NetPulse:Auth"): access tokens issued by one Entra ID tenant for the NetPulse API's app
/// registration (infra/register-app.sh creates it and prints the ids). There is no default: an app with neither the
/// tenant and client ids nor Mode=Open refuses to start, so a forgotten setting never serves the API to everyone.
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "NetPulse:Auth";

    /// <summary>Required or Open; when unset, Required if TenantId and ApiClientId are set, and a start failure if not.</summary>
    public SignInMode? Mode { get; set; }

    /// <summary>The directory (tenant) id, a GUID: the only tenant whose tokens are accepted.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The API app registration's application (client) id, a GUID; tokens for api://&lt;it&gt; or it alone are accepted.</summary>
    public string ApiClientId { get; set; } = "";

    /// <summary>A further accepted audience, for an API whose Application ID URI is not api://&lt;ApiClientId&gt;; usually empty.</summary>
    public string Audience { get; set; } = "";

    /// <summary>
    /// The token issuer, whose OpenID metadata (issuer + "/.well-known/openid-configuration") names the signing keys.
    /// Default: Entra ID's v2 issuer https://login.microsoftonline.com/&lt;TenantId&gt;/v2.0. Tests point it at a local
    /// issuer; plain http is allowed on loopback only.
    /// </summary>
    public string Authority { get; set; } = "";

    public SignInMode EffectiveMode => Mode ?? SignInMode.Required;

    public string Issuer => string.IsNullOrWhiteSpace(Authority)
        ? $"https://login.microsoftonline.com/{TenantId.Trim()}/v2.0"
        : Authority.Trim().TrimEnd('/');

    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    /// <summary>The audiences a token may name: Entra ID puts the Application ID URI or the bare client id in "aud".</summary>
    public IReadOnlyList<string> Audiences =>
        [.. new[] { $"api://{ApiClientId.Trim()}", ApiClientId.Trim(), Audience.Trim() }.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>True when the issuer may be reached over plain http: a loopback address (a test's local issuer).</summary>
    internal bool IssuerIsLoopback =>
        Uri.TryCreate(Issuer, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}

internal sealed class SignInOptionsValidator : IValidateOptions<SignInOptions>
{
    private const string Section = SignInOptions.Section;

    public ValidateOptionsResult Validate(string? name, SignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = !string.IsNullOrWhiteSpace(options.TenantId) || !string.IsNullOrWhiteSpace(options.ApiClientId);
        if (options.Mode is null && !configured)
        {
            return ValidateOptionsResult.Fail(
                $"{Section} is not configured, so the HTTP API would answer anyone: set {Section}:TenantId and {Section}:ApiClientId "
                + $"(infra/register-app.sh prints both) to require sign-in, or {Section}:Mode=Open to serve it without sign-in (local development only)");
        }

        if (options.EffectiveMode == SignInMode.Open)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!Guid.TryParse(options.TenantId, out var tenant) || tenant == Guid.Empty)
        {
            failures.Add($"{Section}:TenantId must be the directory (tenant) id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (az account show --query tenantId); it is '{options.TenantId}'");
        }

        if (!Guid.TryParse(options.ApiClientId, out var client) || client == Guid.Empty)
        {
            failures.Add($"{Section}:ApiClientId must be the application (client) id of the NetPulse API's app registration, a GUID other than the placeholder 00000000-0000-0000-0000-000000000000 (infra/register-app.sh prints it); it is '{options.ApiClientId}'");
        }

        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var authority) || !string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment))
            {
                failures.Add($"{Section}:Authority must be the token issuer's absolute URL, such as https://login.microsoftonline.com/<tenant id>/v2.0; it is '{options.Authority}'");
            }
            else if (authority.Scheme != Uri.UriSchemeHttps && !(authority.Scheme == Uri.UriSchemeHttp && options.IssuerIsLoopback))
            {
                failures.Add($"{Section}:Authority must use https (plain http only on a loopback address, for tests); it is '{options.Authority}'");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
