using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Tests;

/// <summary>The Functions app's HTTP functions against the OpenAPI document: the same routes and methods as the dev host, and keys on all but health.</summary>
public sealed class HttpFunctionTests
{
    [Fact]
    public void Every_documented_operation_has_one_http_function_with_its_route_and_method()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Method: operation.Name, Path: path.Name)))
            .Order()
            .ToList();

        var functions = HttpTriggers()
            .SelectMany(t => t.Trigger.Methods!.Select(m => (Method: m.ToLowerInvariant(), Path: "/" + t.Trigger.Route)))
            .Order()
            .ToList();

        Assert.Equal(documented, functions);
    }

    [Fact]
    public void Every_http_function_needs_a_function_key_but_health()
    {
        var levels = HttpTriggers().ToDictionary(t => t.Name, t => t.Trigger.AuthLevel);

        Assert.Equal(AuthorizationLevel.Anonymous, levels["Health"]);
        Assert.All(levels.Where(l => l.Key != "Health"), l => Assert.Equal(AuthorizationLevel.Function, l.Value));
    }

    private static IEnumerable<(string Name, HttpTriggerAttribute Trigger)> HttpTriggers() =>
        typeof(FunctionsComposition).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters()
                .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
                .OfType<HttpTriggerAttribute>()
                .Select(trigger => (m.GetCustomAttribute<FunctionAttribute>()!.Name, trigger)));
}
