using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace NetPulse.Monitoring.Api.SignIn;

/// <summary>What checking an access token found: the signed-in user, or why the token is refused.</summary>
public sealed record AccessTokenCheck(ClaimsIdentity? User, string? Refusal)
{
    public static AccessTokenCheck Valid(ClaimsIdentity user) => new(user, null);

    public static AccessTokenCheck Refused(string refusal) => new(null, refusal);
}

/// <summary>The tenant's signing keys could not be fetched, so no token can be checked; the request may succeed later.</summary>
public sealed class SigningKeysUnavailableException : Exception
{
    public SigningKeysUnavailableException()
    {
    }

    public SigningKeysUnavailableException(string message)
        : base(message)
    {
    }

    public SigningKeysUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Checks an Entra ID access token: signature by a key of the tenant's OpenID metadata (fetched and cached by the
/// configuration manager, refreshed when a token names a key it does not know: Entra ID rolls its keys), issuer,
/// audience, and lifetime on the injected clock. A refusal says what is wrong in words a client can act on and never
/// repeats the token.
/// </summary>
public sealed class AccessTokenValidator
{
    /// <summary>The claim Entra ID puts app roles in.</summary>
    public const string RolesClaim = "roles";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly SignInOptions _options;
    private readonly TimeProvider _time;

    public AccessTokenValidator(SignInOptions options, IConfigurationManager<OpenIdConnectConfiguration> metadata, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metadata = metadata;
        _time = time;
    }

    /// <summary>The configuration manager for the issuer's metadata; plain http only for a loopback issuer (tests).</summary>
    public static ConfigurationManager<OpenIdConnectConfiguration> MetadataFor(SignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            options.MetadataAddress, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = !options.IssuerIsLoopback });
    }

    public async Task<AccessTokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken read;
        try
        {
            read = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            // SecurityTokenMalformedException among others: nothing about it is worth repeating.
            return AccessTokenCheck.Refused("the bearer token is not a JSON web token (three Base64url parts separated by dots)");
        }

        var result = await ValidateWithKeysAsync(token, cancellationToken);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached metadata does not list: Entra ID may have rolled its keys. Fetch them again (the manager
            // does so at most once per refresh interval) and try once more.
            _metadata.RequestRefresh();
            result = await ValidateWithKeysAsync(token, cancellationToken);
        }

        return result.IsValid ? AccessTokenCheck.Valid(result.ClaimsIdentity) : AccessTokenCheck.Refused(Describe(result.Exception, read));
    }

    private async Task<TokenValidationResult> ValidateWithKeysAsync(string token, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new SigningKeysUnavailableException($"the signing keys of {_options.Issuer} cannot be fetched from {_options.MetadataAddress}", ex);
        }

        return await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudiences = _options.Audiences,
            IssuerSigningKeys = metadata.SigningKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            LifetimeValidator = ValidateLifetime,
            RoleClaimType = RolesClaim,
            NameClaimType = "name",
        });
    }

    /// <summary>
    /// The library's own lifetime check reads the system clock; this one reads the injected clock, with the same
    /// five-minute skew and the same exceptions, so tests drive expiry with a fake clock.
    /// </summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is not { } expiry)
        {
            throw new SecurityTokenNoExpirationException("the token has no expiry time");
        }

        if (notBefore is { } start && start > now + parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("the token is not valid yet") { NotBefore = start };
        }

        if (expiry < now - parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("the token expired") { Expires = expiry };
        }

        return true;
    }

    /// <param name="ex">Why the library refused the token.</param>
    /// <param name="token">The token as read, when it could be: the library leaves the refused audience out of its exception.</param>
    private string Describe(Exception? ex, JsonWebToken token) => ex switch
    {
        SecurityTokenExpiredException expired => $"the token expired at {Utc(expired.Expires)}; sign in again for a fresh one",
        SecurityTokenNotYetValidException early => $"the token is not valid before {Utc(early.NotBefore)}; check the clocks",
        SecurityTokenNoExpirationException => "the token has no expiry time (exp)",
        SecurityTokenInvalidIssuerException issuer =>
            $"the token was issued by '{ApiRequest.Shorten(string.IsNullOrEmpty(issuer.InvalidIssuer) ? token.Issuer : issuer.InvalidIssuer)}', not by this API's tenant ({_options.Issuer})",
        SecurityTokenInvalidAudienceException audience =>
            $"the token is for '{ApiRequest.Shorten(string.IsNullOrEmpty(audience.InvalidAudience) ? string.Join(", ", token.Audiences) : audience.InvalidAudience)}', not for this API ({string.Join(" or ", _options.Audiences)}); request the scope api://{_options.ApiClientId}/access_as_user",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidSigningKeyException =>
            $"the token's signature does not verify with any signing key of {_options.Issuer}",
        SecurityTokenMalformedException or ArgumentException => "the bearer token is not a well-formed JSON web token",
        _ => $"the token is not valid ({ex?.GetType().Name ?? "no reason given"})",
    };

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
