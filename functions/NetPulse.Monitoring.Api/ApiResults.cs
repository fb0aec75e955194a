using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// A JSON answer written with <see cref="ApiJsonContext"/>. It needs no services from the request, so a test runs
/// it on a bare <see cref="DefaultHttpContext"/>, and it exposes status and value for tests that stop short of the body.
/// </summary>
public sealed class ApiJsonResult<T> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    private readonly JsonTypeInfo<T> _typeInfo;

    internal ApiJsonResult(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK, string contentType = "application/json; charset=utf-8")
    {
        Value = value;
        _typeInfo = typeInfo;
        StatusCode = statusCode;
        ContentType = contentType;
    }

    public T Value { get; }

    public int StatusCode { get; }

    public string ContentType { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(httpContext.Response.Body, Value, _typeInfo, httpContext.RequestAborted);
    }
}

/// <summary>An RFC 7807 problem document; <see cref="Parameter"/> names the request parameter at fault, if one is.</summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, string? Parameter);

/// <summary>The problems the API answers with.</summary>
internal static class ApiProblems
{
    public const string ContentType = "application/problem+json; charset=utf-8";
    public const string BadParameterType = "urn:netpulse:problem:bad-parameter";
    public const string NotFoundType = "urn:netpulse:problem:not-found";
    public const string NoSuchRouteType = "urn:netpulse:problem:no-such-route";
    public const string BadRequestType = "urn:netpulse:problem:bad-request";
    public const string StorageUnavailableType = "urn:netpulse:problem:storage-unavailable";
    public const string ServerErrorType = "urn:netpulse:problem:server-error";
    public const string SignInRequiredType = "urn:netpulse:problem:sign-in-required";
    public const string RoleMissingType = "urn:netpulse:problem:role-missing";
    public const string SignInUnavailableType = "urn:netpulse:problem:sign-in-unavailable";
    public const string ProbeKeyConflictType = "urn:netpulse:problem:probe-key-conflict";
    public const string ProbeKeyRevokedType = "urn:netpulse:problem:probe-key-revoked";
    public const string ProbeLimitType = "urn:netpulse:problem:probe-limit";
    public const string ProbeNotToldType = "urn:netpulse:problem:probe-not-told";

    /// <summary>How long a client waits before asking again while storage is unreachable: long enough not to hammer it.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public static ApiJsonResult<ApiProblem> BadParameter(string parameter, string detail) =>
        Result(new ApiProblem(BadParameterType, "A request parameter is not valid", StatusCodes.Status400BadRequest, detail, parameter));

    public static ApiJsonResult<ApiProblem> NotFound(string parameter, string detail) =>
        Result(new ApiProblem(NotFoundType, "Not found", StatusCodes.Status404NotFound, detail, parameter));

    /// <summary>A request that is well formed but clashes with what is stored (409).</summary>
    public static ApiJsonResult<ApiProblem> Conflict(string type, string title, string parameter, string detail) =>
        Result(new ApiProblem(type, title, StatusCodes.Status409Conflict, detail, parameter));

    /// <summary>The answer while storage cannot be reached: the request may succeed later, and Retry-After says when to try.</summary>
    public static IResult StorageUnavailable(string reason) =>
        new RetryAfterResult(Result(new ApiProblem(
            StorageUnavailableType, "Storage is unavailable", StatusCodes.Status503ServiceUnavailable,
            string.Create(CultureInfo.InvariantCulture, $"the monitoring data cannot be read right now ({reason}); try again in {RetryAfter.TotalSeconds:0} seconds"), null)));

    /// <summary>A change is stored but its probe could not be told (<see cref="NetPulse.Monitoring.Storage.ProbeNotToldException"/>): the same request again tells it.</summary>
    public static IResult ProbeNotTold(NetPulse.Monitoring.Storage.ProbeNotToldException exception) =>
        new RetryAfterResult(Result(new ApiProblem(
            ProbeNotToldType, "The probe could not be told of the change", StatusCodes.Status503ServiceUnavailable, exception.Message, null)));

    /// <summary>401: no token, or one that is not valid (<paramref name="invalidToken"/>); the Bearer challenge says the same as the body.</summary>
    public static IResult SignInRequired(string detail, bool invalidToken) =>
        new BearerChallengeResult(Result(new ApiProblem(SignInRequiredType, "Sign-in required", StatusCodes.Status401Unauthorized, detail, null)), invalidToken);

    /// <summary>403: a valid token whose roles do not grant the route.</summary>
    public static IResult RoleMissing(string detail) =>
        Result(new ApiProblem(RoleMissingType, "Role missing", StatusCodes.Status403Forbidden, detail, null));

    /// <summary>503: the issuer's signing keys cannot be fetched, so no token can be checked now.</summary>
    public static IResult SignInUnavailable(string reason) =>
        new RetryAfterResult(Result(new ApiProblem(
            SignInUnavailableType, "Sign-in is unavailable", StatusCodes.Status503ServiceUnavailable,
            string.Create(CultureInfo.InvariantCulture, $"{reason}; try again in {RetryAfter.TotalSeconds:0} seconds"), null)));

    /// <summary>500: an endpoint under /api that nobody said who may call (mapped around NetPulseApi's Map): a bug, refused.</summary>
    public static IResult Unguarded(string method, string pattern) =>
        Result(new ApiProblem(ServerErrorType, "Server error", StatusCodes.Status500InternalServerError,
            $"{method} {ApiRequest.Shorten(pattern)} is not in NetPulseApi.Routes, so nobody has said who may call it; it is refused until it is", null));

    /// <summary>
    /// The problem for an answer the host gave before or instead of a handler (no route matched, a request the
    /// server refused, an exception): the same shape as the handlers' problems, so a client parses one format.
    /// </summary>
    public static ApiProblem ForStatus(int status, string method, string path) => status switch
    {
        StatusCodes.Status404NotFound => new ApiProblem(NoSuchRouteType, "No such route", status,
            $"{method} {ApiRequest.Shorten(path)} names no API route; GET /api/openapi.json lists them", null),
        StatusCodes.Status405MethodNotAllowed => new ApiProblem(NoSuchRouteType, "Method not allowed", status,
            $"{method} is not allowed on {ApiRequest.Shorten(path)}; GET /api/openapi.json lists the routes and their methods", null),
        >= 500 => new ApiProblem(ServerErrorType, "Server error", status, "the request failed on the server; its log has the details", null),
        _ => new ApiProblem(BadRequestType, "Bad request", status, $"{method} {ApiRequest.Shorten(path)} was refused before it reached the API", null),
    };

    private static ApiJsonResult<ApiProblem> Result(ApiProblem problem) =>
        new(problem, ApiJsonContext.Default.ApiProblem, problem.Status, ContentType);
}

/// <summary>A problem answer with a Retry-After header (in seconds, as RFC 9110 allows).</summary>
internal sealed class RetryAfterResult(ApiJsonResult<ApiProblem> problem) : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    public ApiJsonResult<ApiProblem> Problem { get; } = problem;

    public int? StatusCode => Problem.StatusCode;

    public object? Value => Problem.Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.RetryAfter = ((int)ApiProblems.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problem.ExecuteAsync(httpContext);
    }
}

/// <summary>A 401 problem with the RFC 6750 challenge: error="invalid_token" and the detail when a token was sent and refused.</summary>
internal sealed class BearerChallengeResult(ApiJsonResult<ApiProblem> problem, bool invalidToken) : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    public ApiJsonResult<ApiProblem> Problem { get; } = problem;

    public int? StatusCode => Problem.StatusCode;

    public object? Value => Problem.Value;

    public string Challenge => invalidToken
        ? $"Bearer realm=\"NetPulse\", error=\"invalid_token\", error_description=\"{HeaderText(Problem.Value.Detail)}\""
        : "Bearer realm=\"NetPulse\"";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.WWWAuthenticate = Challenge;
        return Problem.ExecuteAsync(httpContext);
    }

    /// <summary>A quoted-string value that any header parser takes: printable ASCII without quotes or backslashes.</summary>
    private static string HeaderText(string text) =>
        new([.. text.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '\'')]);
}

/// <summary>
/// Thrown while reading a request when a parameter is bad or names nothing that exists; <see cref="ApiRequest.HandleAsync"/>
/// turns it into the problem answer. Only request parsing throws it, so no storage failure can become a 400.
/// </summary>
internal sealed class ApiParameterException : Exception
{
    public ApiParameterException(string parameter, string detail, bool notFound = false)
        : base(detail)
    {
        Parameter = parameter;
        NotFound = notFound;
    }

    public ApiParameterException()
    {
        Parameter = "";
    }

    public ApiParameterException(string message)
        : base(message)
    {
        Parameter = "";
    }

    public ApiParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
        Parameter = "";
    }

    public string Parameter { get; }

    public bool NotFound { get; }

    public IResult ToResult() => NotFound ? ApiProblems.NotFound(Parameter, Message) : ApiProblems.BadParameter(Parameter, Message);
}
