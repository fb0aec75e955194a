using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions;

/// <summary>
/// An HTTP function that throws would leave the Functions host to answer an empty 500; this gives it the problem+json
/// body the dev host's exception handler gives (503 with Retry-After when storage cannot be reached), and logs the
/// exception once. Queue and timer functions still throw, so their retries and poison handling stay the host's.
/// </summary>
internal sealed class ApiFailureMiddleware(ILogger<ApiFailureMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (Answer(context.GetHttpContext(), ex) is { } answer)
        {
            var request = context.GetHttpContext()!.Request;
            logger.LogError(ex, "{Method} {Path} (function {Function}) failed and was answered {Status}", request.Method, request.Path, context.FunctionDefinition.Name, (answer as IStatusCodeHttpResult)?.StatusCode);
            context.GetInvocationResult().Value = answer;
        }
    }

    /// <summary>The answer for an HTTP function's failure; null for a function without a request, or a request its caller left.</summary>
    internal static IResult? Answer(HttpContext? http, Exception exception) =>
        http is null || http.RequestAborted.IsCancellationRequested ? null : NetPulseApi.FailureAnswer(http.Request, exception);
}
