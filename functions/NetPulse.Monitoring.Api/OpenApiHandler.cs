using Microsoft.AspNetCore.Http;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/openapi.json: the OpenAPI 3 description of the API, written by hand beside the handlers (openapi.json,
/// an embedded resource) because the Functions host has no endpoint metadata to generate it from. A test holds it
/// to the mapped routes and their parameters.
/// </summary>
public sealed class OpenApiHandler
{
    public const string ResourceName = "NetPulse.Monitoring.Api.openapi.json";

    private readonly Lazy<byte[]> _document = new(Load);

    public IResult Get(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Document(_document.Value);
    }

    public static byte[] Load()
    {
        using var stream = typeof(OpenApiHandler).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(OpenApiHandler).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The document as stored; like <see cref="ApiJsonResult{T}"/> it needs no request services.</summary>
    private sealed class Document(byte[] bytes) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
