using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Functions;

/// <summary>
/// Runs <see cref="ApiGate"/> before every HTTP function, with the access <see cref="NetPulseApi.Routes"/> gives the
/// function's route. The HTTP triggers are anonymous to the Functions host: the token is the gate, not a host key. A
/// refusal becomes the invocation's result, which the ASP.NET Core integration writes like any function's IResult.
/// </summary>
internal sealed class SignInMiddleware(ApiGate gate, HttpFunctionAccess access) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var refusal = await CheckAsync(context.FunctionDefinition.Name, context.GetHttpContext(), context.CancellationToken);
        if (refusal is null)
        {
            await next(context);
            return;
        }

        context.GetInvocationResult().Value = refusal;
    }

    /// <summary>Null to run the function; otherwise the answer instead of it. Functions without an HTTP trigger always run.</summary>
    internal Task<IResult?> CheckAsync(string functionName, HttpContext? http, CancellationToken cancellationToken)
    {
        if (access.Of(functionName) is not { } route)
        {
            return Task.FromResult<IResult?>(null);
        }

        // Every HTTP function has its HttpContext under the ASP.NET Core integration; without one, refuse rather than guess.
        var request = http?.Request ?? throw new InvalidOperationException($"the HTTP function {functionName} ran without an HttpContext: is ConfigureFunctionsWebApplication called?");
        return gate.AdmitAsync(request, route.Access, cancellationToken);
    }
}

/// <summary>
/// Each HTTP function's entry in <see cref="NetPulseApi.Routes"/>, by function name, read once from the trigger
/// attributes: an HTTP function whose route is not in the table stops the app's start, so adding one forces a decision
/// about who may call it.
/// </summary>
internal sealed class HttpFunctionAccess
{
    private readonly Dictionary<string, ApiRoute> _routes;

    public HttpFunctionAccess(Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        _routes = new Dictionary<string, ApiRoute>(StringComparer.Ordinal);
        foreach (var method in functions.GetTypes().SelectMany(t => t.GetMethods()))
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()?.Name;
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().SingleOrDefault();
            if (name is null || trigger is null)
            {
                continue;
            }

            var routes = (trigger.Methods ?? []).Select(m => NetPulseApi.Route(m, trigger.Route ?? "")).Distinct().ToList();
            _routes[name] = routes.Count == 1
                ? routes[0]
                : throw new InvalidOperationException($"the HTTP function {name} must take exactly one method, so one entry of NetPulseApi.Routes decides who may call it");
        }
    }

    public IReadOnlyDictionary<string, ApiRoute> Routes => _routes;

    public ApiRoute? Of(string functionName) => _routes.GetValueOrDefault(functionName);
}
