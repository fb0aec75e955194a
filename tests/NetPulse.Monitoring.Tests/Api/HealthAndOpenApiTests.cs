using System.Reflection;
using System.Text.Json;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class HealthAndOpenApiTests(ApiRig rig)
{
    [Fact]
    public async Task Health_says_ok_with_a_utc_time()
    {
        var handler = new HealthHandler(rig.Time);

        var answer = await Answer.Of(r => Task.FromResult(handler.Handle(r)));

        Assert.Equal(200, answer.Status);
        Assert.Equal("{\"status\":\"ok\",\"time\":\"2026-03-01T02:30:20Z\"}", answer.Text);
    }

    [Fact]
    public async Task The_openapi_document_is_served_and_describes_every_route_constant()
    {
        var answer = await Answer.Of(r => Task.FromResult(new OpenApiHandler().Get(r)));

        Assert.Equal(200, answer.Status);
        var paths = answer.Json.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var routes = typeof(NetPulseApi).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Route", StringComparison.Ordinal) && f.Name != nameof(NetPulseApi.RoutePrefix))
            .Select(f => "/" + (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(routes, paths);
        Assert.Equal("3.0.3", answer.Json.GetProperty("openapi").GetString());
    }

    [Fact]
    public void The_openapi_document_lists_exactly_the_incident_kinds_of_the_kind_table()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var documented = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("IncidentType").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString());

        Assert.Equal(IncidentKind.All.Select(k => k.ApiName), documented);
    }

    [Fact]
    public void Every_operation_documents_the_access_the_route_table_gives_it()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Route: NetPulseApi.Route(operation.Name, path.Name.TrimStart('/')), Operation: operation.Value)))
            .ToList();

        Assert.Equal(NetPulseApi.Routes.Count, documented.Count);
        Assert.All(documented, d =>
        {
            var anonymous = d.Route.Access == ApiAccess.Anonymous;
            var responses = d.Operation.GetProperty("responses");

            // Anonymous operations override the document's bearer requirement with none; the others inherit it.
            Assert.Equal(anonymous, d.Operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 0);
            Assert.Equal(anonymous ? null : d.Route.Access.ToString(), d.Operation.TryGetProperty("x-netpulse-role", out var role) ? role.GetString() : null);
            Assert.Equal(!anonymous, responses.TryGetProperty("401", out _));
            // The signed acknowledge link is anonymous and answers its own 403 (a bad link), not the missing-role one;
            // a probe's signed routes have no roles to miss.
            Assert.Equal(!anonymous && d.Route.Access != ApiAccess.Probe, responses.TryGetProperty("403", out var forbidden)
                && forbidden.TryGetProperty("$ref", out var reference) && reference.GetString() == "#/components/responses/RoleMissing");
        });
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public void Every_reference_in_the_openapi_document_resolves()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var references = new List<string>();
        Collect(document.RootElement, references);

        Assert.NotEmpty(references);
        Assert.All(references, reference =>
        {
            var node = document.RootElement;
            foreach (var part in reference.TrimStart('#', '/').Split('/'))
            {
                Assert.True(node.TryGetProperty(part, out node), $"{reference} does not resolve");
            }
        });
    }

    private static void Collect(JsonElement element, List<string> references)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "$ref")
                {
                    references.Add(property.Value.GetString()!);
                }
                else
                {
                    Collect(property.Value, references);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, references);
            }
        }
    }
}
