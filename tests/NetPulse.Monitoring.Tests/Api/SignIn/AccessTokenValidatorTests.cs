using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Monitoring.Tests.Api.SignIn;

/// <summary>
/// The token check on its own: keys handed over as the tenant's metadata would carry them, time from a fake clock.
/// Each refusal names what is wrong; a key the cached metadata lacks makes it fetch the keys again (Entra ID rolls them).
/// </summary>
public sealed class AccessTokenValidatorTests : IDisposable
{
    private static readonly Guid Tenant = Guid.Parse("4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11");
    private static readonly Guid ApiClient = Guid.Parse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly SignInOptions _options = new() { TenantId = Tenant.ToString(), ApiClientId = ApiClient.ToString() };

    private static string Issuer => $"https://login.microsoftonline.com/{Tenant}/v2.0";

    [Theory]
    [InlineData("api://a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")]
    [InlineData("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")]
    public async Task A_token_for_the_api_by_either_audience_is_valid_and_carries_its_roles(string audience)
    {
        var check = await Validator(Keys(_key)).ValidateAsync(Token(audience: audience, roles: [ApiRoles.Reader, ApiRoles.Admin]), CancellationToken.None);

        Assert.Null(check.Refusal);
        Assert.True(check.User!.HasClaim(AccessTokenValidator.RolesClaim, ApiRoles.Admin));
        Assert.True(check.User.HasClaim(AccessTokenValidator.RolesClaim, ApiRoles.Reader));
    }

    [Fact]
    public async Task A_token_turns_expired_on_the_injected_clock_after_the_five_minute_skew()
    {
        var validator = Validator(Keys(_key));
        var token = Token(expires: _time.GetUtcNow().AddHours(1));

        _time.Advance(TimeSpan.FromMinutes(64));
        var justValid = await validator.ValidateAsync(token, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        var expired = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Null(justValid.Refusal);
        Assert.Equal("the token expired at 2026-12-06T09:00:00Z; sign in again for a fresh one", expired.Refusal);
    }

    [Fact]
    public async Task A_token_from_the_future_is_not_valid_yet()
    {
        var check = await Validator(Keys(_key)).ValidateAsync(Token(expires: _time.GetUtcNow().AddHours(2), notBefore: _time.GetUtcNow().AddHours(1)), CancellationToken.None);

        Assert.Equal("the token is not valid before 2026-12-06T09:00:00Z; check the clocks", check.Refusal);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_the_same_key_id_is_refused()
    {
        var check = await Validator(Keys(_key)).ValidateAsync(Token(signingKey: _otherKey), CancellationToken.None);

        Assert.Equal($"the token's signature does not verify with any signing key of {Issuer}", check.Refusal);
    }

    [Fact]
    public async Task A_token_from_another_tenant_is_refused_naming_both_issuers()
    {
        var foreign = $"https://login.microsoftonline.com/{Guid.NewGuid()}/v2.0";

        var check = await Validator(Keys(_key)).ValidateAsync(Token(issuer: foreign), CancellationToken.None);

        Assert.Equal($"the token was issued by '{foreign}', not by this API's tenant ({Issuer})", check.Refusal);
    }

    [Fact]
    public async Task A_token_for_another_api_is_refused_naming_the_scope_to_ask_for()
    {
        var check = await Validator(Keys(_key)).ValidateAsync(Token(audience: "https://graph.microsoft.com"), CancellationToken.None);

        Assert.StartsWith("the token is for 'https://graph.microsoft.com', not for this API (api://a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d or a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d)", check.Refusal, StringComparison.Ordinal);
        Assert.EndsWith("request the scope api://a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d/access_as_user", check.Refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public async Task Text_that_is_no_token_is_refused_without_repeating_it(string text)
    {
        var check = await Validator(Keys(_key)).ValidateAsync(text, CancellationToken.None);

        Assert.NotNull(check.Refusal);
        Assert.Contains("not a", check.Refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(text.Length > 0 ? text : "\0", check.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_missing_from_the_cached_metadata_makes_it_fetch_the_keys_again()
    {
        // The metadata as cached before Entra ID rolled to a new key, and as fetched after.
        var metadata = new RollingMetadata(Keys(_otherKey, "old-key"), Keys(_key));

        var check = await Validator(metadata).ValidateAsync(Token(), CancellationToken.None);

        Assert.Null(check.Refusal);
        Assert.Equal(1, metadata.Refreshes);
    }

    [Fact]
    public async Task Metadata_that_cannot_be_fetched_is_an_unavailable_sign_in_not_a_refused_token()
    {
        var options = new SignInOptions { TenantId = Tenant.ToString(), ApiClientId = ApiClient.ToString(), Authority = "http://127.0.0.1:9/" + Tenant + "/v2.0" };
        var validator = new AccessTokenValidator(options, AccessTokenValidator.MetadataFor(options), _time);

        var ex = await Assert.ThrowsAsync<SigningKeysUnavailableException>(() => validator.ValidateAsync(Token(), CancellationToken.None));

        Assert.Contains("http://127.0.0.1:9/", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    private AccessTokenValidator Validator(IConfigurationManager<OpenIdConnectConfiguration> metadata) => new(_options, metadata, _time);

    private static StaticConfigurationManager<OpenIdConnectConfiguration> Keys(RSA key, string keyId = "key-1")
    {
        var configuration = new OpenIdConnectConfiguration();
        configuration.SigningKeys.Add(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = keyId });
        return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
    }

    private string Token(
        string? audience = null, string? issuer = null, DateTimeOffset? expires = null, DateTimeOffset? notBefore = null, RSA? signingKey = null, string[]? roles = null)
    {
        var expiry = expires ?? _time.GetUtcNow().AddHours(1);
        var start = notBefore ?? expiry.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? $"api://{ApiClient}",
            IssuedAt = start.UtcDateTime,
            NotBefore = start.UtcDateTime,
            Expires = expiry.UtcDateTime,
            Claims = new Dictionary<string, object> { ["roles"] = roles ?? [ApiRoles.Reader] },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signingKey ?? _key) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Metadata whose keys change once a refresh is requested, as after Entra ID rolls its signing keys.</summary>
    private sealed class RollingMetadata(
        IConfigurationManager<OpenIdConnectConfiguration> before, IConfigurationManager<OpenIdConnectConfiguration> after) : IConfigurationManager<OpenIdConnectConfiguration>
    {
        public int Refreshes { get; private set; }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
            (Refreshes == 0 ? before : after).GetConfigurationAsync(cancel);

        public void RequestRefresh() => Refreshes++;
    }
}

/// <summary>"NetPulse:Auth" refuses at start what would leave the API open by accident or unable to check a token.</summary>
public sealed class SignInOptionsValidatorTests
{
    [Fact]
    public void Nothing_configured_fails_saying_how_to_configure_or_open_it()
    {
        var result = new SignInOptionsValidator().Validate(Options.DefaultName, new SignInOptions());

        Assert.True(result.Failed);
        Assert.Contains("NetPulse:Auth is not configured", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("NetPulse:Auth:Mode=Open", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_needs_nothing_else()
    {
        Assert.True(new SignInOptionsValidator().Validate(Options.DefaultName, new SignInOptions { Mode = SignInMode.Open }).Succeeded);
    }

    [Theory]
    [InlineData("contoso.onmicrosoft.com", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "", "NetPulse:Auth:TenantId")]
    [InlineData("4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11", "00000000-0000-0000-0000-000000000000", "", "NetPulse:Auth:ApiClientId")]
    [InlineData("4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11", "", "", "NetPulse:Auth:ApiClientId")]
    [InlineData("4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "http://login.example.org/t/v2.0", "must use https")]
    [InlineData("4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "login.example.org", "NetPulse:Auth:Authority")]
    public void A_bad_setting_fails_naming_it(string tenant, string client, string authority, string named)
    {
        var result = new SignInOptionsValidator().Validate(Options.DefaultName, new SignInOptions { TenantId = tenant, ApiClientId = client, Authority = authority });

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:5000/t/v2.0")]
    [InlineData("https://login.microsoftonline.us/4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11/v2.0")]
    public void Ids_with_an_https_or_loopback_authority_pass(string authority)
    {
        var options = new SignInOptions { TenantId = "4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11", ApiClientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Authority = authority };

        Assert.True(new SignInOptionsValidator().Validate(Options.DefaultName, options).Succeeded);
        Assert.Equal(SignInMode.Required, options.EffectiveMode);
    }
}
