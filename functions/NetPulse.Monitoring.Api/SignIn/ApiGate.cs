using Microsoft.AspNetCore.Http;

namespace NetPulse.Monitoring.Api.SignIn;

/// <summary>
/// The one check both hosts run before a route's handler: does this request carry what <see cref="ApiAccess"/> asks?
/// Null lets it through; otherwise the problem answer to send instead (401 with a Bearer challenge, 403, or 503 while
/// the tenant's keys cannot be fetched). In Open mode every request goes through.
/// </summary>
public sealed class ApiGate
{
    private readonly SignInOptions _options;
    private readonly AccessTokenValidator? _validator;
    private readonly ILogger<ApiGate> _logger;

    public ApiGate(IOptions<SignInOptions> options, TimeProvider time, ILogger<ApiGate> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _validator = _options.EffectiveMode == SignInMode.Required
            ? new AccessTokenValidator(_options, AccessTokenValidator.MetadataFor(_options), time)
            : null;
    }

    public async Task<IResult?> AdmitAsync(HttpRequest request, ApiAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A probe's route checks the probe's signature in its handler, which knows the probe's key; no user token applies.
        if (_validator is null || access is ApiAccess.Anonymous or ApiAccess.Probe)
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return ApiProblems.SignInRequired($"{request.Method} {ApiRequest.Shorten(request.Path.Value ?? "")} needs a signed-in user: send Authorization: Bearer <access token for {_options.Audiences[0]}>", invalidToken: false);
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return ApiProblems.SignInRequired("the Authorization header must be 'Bearer <access token>'", invalidToken: true);
        }

        AccessTokenCheck check;
        try
        {
            check = await _validator.ValidateAsync(header[scheme.Length..].Trim(), cancellationToken);
        }
        catch (SigningKeysUnavailableException ex)
        {
            // Not the caller's fault, and every signed-in request fails until it is fixed: the log must say so, in one
            // line with the cause; the stack trace (the same every request) only at Debug.
            _logger.LogError("No token can be checked: {Reason} ({Cause})", ex.Message, ex.GetBaseException().Message);
            _logger.LogDebug(ex, "No token can be checked");
            return ApiProblems.SignInUnavailable(ex.Message);
        }

        if (check.User is not { } user)
        {
            return ApiProblems.SignInRequired(check.Refusal ?? "the token is not valid", invalidToken: true);
        }

        var granting = ApiRoles.Granting(access);
        if (granting.Any(role => user.HasClaim(AccessTokenValidator.RolesClaim, role)))
        {
            // Handlers that record who did something (an acknowledgement, a window) read the name from here.
            request.HttpContext.User = new System.Security.Claims.ClaimsPrincipal(user);
            return null;
        }

        var held = user.FindAll(AccessTokenValidator.RolesClaim).Select(c => c.Value).ToList();
        return ApiProblems.RoleMissing(
            $"{request.Method} {ApiRequest.Shorten(request.Path.Value ?? "")} needs the {string.Join(" or ", granting)} role; the token has "
            + (held.Count == 0 ? "no NetPulse role (an administrator assigns one in Entra ID: Enterprise applications, NetPulse API, Users and groups)" : $"the roles {string.Join(", ", held.Select(r => ApiRequest.Shorten(r)))}"));
    }
}
