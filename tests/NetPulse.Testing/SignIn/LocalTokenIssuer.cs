using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NetPulse.Testing.SignIn;

/// <summary>
/// A stand-in for an Entra ID tenant on loopback: Kestrel on 127.0.0.1 serves OpenID metadata and a JWKS with one RSA
/// signing key, the way login.microsoftonline.com/&lt;tenant&gt;/v2.0 does, and <see cref="Issue"/> signs access tokens
/// with it (or, to forge one, with another key under the same key id). <see cref="Settings"/> point the API at it.
/// </summary>
public sealed class LocalTokenIssuer : IAsyncDisposable
{
    private const string KeyId = "netpulse-test-key";
    private static readonly string[] Algorithms = ["RS256"];

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _forgeryKey = RSA.Create(2048);
    private int _keyRequests;

    private LocalTokenIssuer(WebApplication app) => _app = app;

    public Guid TenantId { get; } = Guid.NewGuid();

    public Guid ApiClientId { get; } = Guid.NewGuid();

    /// <summary>The issuer, e.g. http://127.0.0.1:40123/&lt;tenant&gt;/v2.0, as Entra ID's v2 issuer is shaped.</summary>
    public string Authority => $"{_app.Urls.Single()}/{TenantId}/v2.0";

    /// <summary>The audience Entra ID writes for a token requested with the scope api://&lt;client id&gt;/access_as_user.</summary>
    public string Audience => $"api://{ApiClientId}";

    /// <summary>How often the signing keys were fetched: the API caches them.</summary>
    public int KeyRequests => Volatile.Read(ref _keyRequests);

    /// <summary>The "NetPulse:Auth" settings that make the API require tokens from this issuer.</summary>
    public Dictionary<string, string> Settings() => new(StringComparer.Ordinal)
    {
        ["NetPulse:Auth:Mode"] = "Required",
        ["NetPulse:Auth:TenantId"] = TenantId.ToString(),
        ["NetPulse:Auth:ApiClientId"] = ApiClientId.ToString(),
        ["NetPulse:Auth:Authority"] = Authority,
    };

    public static async Task<LocalTokenIssuer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var issuer = new LocalTokenIssuer(builder.Build());
        issuer.MapEndpoints();
        await issuer._app.StartAsync(cancellationToken);
        return issuer;
    }

    /// <summary>
    /// A signed access token as Entra ID issues it for the NetPulse API, with <paramref name="roles"/> in "roles";
    /// each other argument changes one thing for a negative test.
    /// </summary>
    public string Issue(
        IEnumerable<string> roles,
        DateTimeOffset? expires = null,
        string? audience = null,
        string? issuer = null,
        bool forged = false)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var expiry = expires ?? DateTimeOffset.UtcNow.AddHours(1);
        var issued = expiry.AddHours(-1);
        var key = new RsaSecurityKey(forged ? _forgeryKey : _key) { KeyId = KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience ?? Audience,
            IssuedAt = issued.UtcDateTime,
            NotBefore = issued.UtcDateTime,
            Expires = expiry.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                ["roles"] = roles.ToArray(),
                ["tid"] = TenantId.ToString(),
                ["name"] = "Test User",
                ["scp"] = "access_as_user",
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
        _forgeryKey.Dispose();
    }

    private void MapEndpoints()
    {
        var tenant = _app.MapGroup("/{tenant}/v2.0");
        tenant.MapGet("/.well-known/openid-configuration", (HttpContext context) => Json(context, new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = Authority + "/discovery/v2.0/keys",
            ["id_token_signing_alg_values_supported"] = Algorithms,
        }));
        tenant.MapGet("/discovery/v2.0/keys", (HttpContext context) =>
        {
            Interlocked.Increment(ref _keyRequests);
            var parameters = _key.ExportParameters(includePrivateParameters: false);
            return Json(context, new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
    }

    private static Task Json(HttpContext context, Dictionary<string, object> body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
