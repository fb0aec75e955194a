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

    public static ApiJsonResult<ApiProblem> BadParameter(string parameter, string detail) =>
        Result(new ApiProblem(BadParameterType, "A request parameter is not valid", StatusCodes.Status400BadRequest, detail, parameter));

    public static ApiJsonResult<ApiProblem> NotFound(string parameter, string detail) =>
        Result(new ApiProblem(NotFoundType, "Not found", StatusCodes.Status404NotFound, detail, parameter));

    private static ApiJsonResult<ApiProblem> Result(ApiProblem problem) =>
        new(problem, ApiJsonContext.Default.ApiProblem, problem.Status, ContentType);
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
