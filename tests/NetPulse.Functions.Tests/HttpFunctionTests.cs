using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Functions.Tests;

/// <summary>
/// The Functions app's HTTP functions against the OpenAPI document (the same routes and methods as the dev host) and
/// against the route table: no function key anywhere (the token is the gate), and each function's access from NetPulseApi.Routes.
/// </summary>
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
    public void Every_http_function_is_anonymous_to_the_host_so_no_function_key_is_needed()
    {
        Assert.All(HttpTriggers(), t => Assert.True(t.Trigger.AuthLevel == AuthorizationLevel.Anonymous, $"{t.Name} asks for a {t.Trigger.AuthLevel} key"));
    }

    [Fact]
    public void Every_http_function_takes_its_access_from_the_route_table()
    {
        var access = new HttpFunctionAccess(typeof(FunctionsComposition).Assembly);

        Assert.Equal(HttpTriggers().Select(t => t.Name).Order(StringComparer.Ordinal), access.Routes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(NetPulseApi.Routes.OrderBy(r => r.Template, StringComparer.Ordinal), access.Routes.Values.OrderBy(r => r.Template, StringComparer.Ordinal));
        Assert.Equal(ApiAccess.Anonymous, access.Of("Health")!.Access);
        Assert.Equal(ApiAccess.Anonymous, access.Of("OpenApi")!.Access);
        Assert.Equal(ApiAccess.Admin, access.Of("RebuildReport")!.Access);
        Assert.Equal(ApiAccess.Reader, access.Of("Targets")!.Access);
        Assert.Null(access.Of("IngestBatch"));
    }

    [Fact]
    public void A_route_missing_from_the_table_stops_the_start_naming_it()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => NetPulseApi.Route("DELETE", NetPulseApi.TargetRoute));

        Assert.Contains("DELETE /api/targets/{id} is not in NetPulseApi.Routes", ex.Message, StringComparison.Ordinal);
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
