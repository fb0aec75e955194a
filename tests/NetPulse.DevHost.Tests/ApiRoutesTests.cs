using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The dev host's HTTP API through Kestrel: the routes it maps are the ones the OpenAPI document describes, every
/// documented query parameter is checked, CORS answers the configured dashboard origin and no other, and a batch
/// on the queue shows up in the API.
/// </summary>
public sealed class ApiRoutesTests(ApiRoutesTests.Host host) : IClassFixture<ApiRoutesTests.Host>
{
    private const string Dashboard = "https://dash.example.org";

    [Fact]
    public void The_mapped_routes_are_exactly_the_documented_ones()
    {
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m.ToLowerInvariant(), Path: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal))
            .Select(r => (r.Method, Path: r.Path["/api".Length..]))
            .Order()
            .ToList();

        Assert.Equal(Documented().Select(o => (o.Method, o.Path)).Order(), mapped);
    }

    [Fact]
    public async Task Every_documented_query_parameter_with_a_bad_value_is_a_400_naming_it()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var checkedParameters = 0;
        foreach (var (method, path, operation) in Documented())
        {
            foreach (var parameter in Parameters(operation))
            {
                var name = parameter.GetProperty("name").GetString()!;
                var where = parameter.GetProperty("in").GetString();
                var values = Fill(path, operation, except: name);
                var bad = Bad(parameter);
                var url = "/api" + (where == "path" ? values.Path.Replace("{" + name + "}", Uri.EscapeDataString(bad), StringComparison.Ordinal) : values.Path)
                    + (where == "query" ? values.Query + (values.Query.Length == 0 ? "?" : "&") + name + "=" + Uri.EscapeDataString(bad) : values.Query);
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                using var response = await http.SendAsync(request);

                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {url}: {(int)response.StatusCode}, not 400");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(name, problem.RootElement.GetProperty("parameter").GetString());
                checkedParameters++;
            }
        }

        Assert.True(checkedParameters >= 16, $"only {checkedParameters} parameters are documented");
    }

    [Fact]
    public async Task A_preflight_from_the_dashboard_is_allowed_and_from_another_origin_is_not()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var allowed = await http.SendAsync(Preflight(Dashboard));
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(Dashboard, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        using var refused = await http.SendAsync(Preflight("https://evil.example"));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_request_from_the_dashboard_gets_the_allow_origin_header_and_one_from_elsewhere_does_not()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var fromDashboard = await http.SendAsync(Get("/api/targets", Dashboard));
        using var fromElsewhere = await http.SendAsync(Get("/api/targets", "https://evil.example"));
        using var localDefault = await http.SendAsync(Get("/api/health", "http://127.0.0.1:5173"));

        Assert.Equal(HttpStatusCode.OK, fromDashboard.StatusCode);
        Assert.Equal(Dashboard, Assert.Single(fromDashboard.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(fromElsewhere.Headers.Contains("Access-Control-Allow-Origin"));

        // The setting replaces the default (the dashboard's local origins); it does not add to it.
        Assert.False(localDefault.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/api/targets", "targets")]
    [InlineData("/api/incidents", "incidents")]
    [InlineData("/api/reports", "dates")]
    [InlineData("/api/health", "status")]
    [InlineData("/api/openapi.json", "paths")]
    public async Task Lists_answer_200_with_json_even_before_any_batch_arrived(string path, string property)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.TryGetProperty(property, out _));
    }

    [Fact]
    public void The_start_says_the_api_is_open_without_sign_in_and_for_local_development_only()
    {
        Assert.Contains(host.Log.AtLeast(LogLevel.Warning), entry => entry.Message.Contains("WITHOUT sign-in", StringComparison.Ordinal)
            && entry.Message.Contains("local development only", StringComparison.Ordinal)
            && entry.Message.Contains(Dashboard, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_on_the_queue_shows_up_in_targets_series_and_export()
    {
        var probeId = "routes-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
        var batch = new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = 1,
            WindowStart = start,
            Targets = [new TargetSamples { Name = "=cmd|' /C calc'!A0", Host = "127.0.0.1", IntervalMs = 1000, Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 1500 + i))] }],
        };
        using var probes = new TestProbes(host.Azurite.ConnectionString);
        await host.Queue("ping-batches").SendMessageAsync(await probes.SignAsync(batch));
        var id = TargetIds.Format(probeId, batch.Targets[0].Name);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"/api/targets/{id}", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the batch did not show up in /api/targets within 30 s");
            await Task.Delay(200);
        }

        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/targets", UriKind.Relative)));
        Assert.Contains(list.RootElement.GetProperty("targets").EnumerateArray(), t => t.GetProperty("id").GetString() == id);

        var range = $"from={Uri.EscapeDataString(start.UtcDateTime.ToString("O"))}&to={Uri.EscapeDataString(start.AddSeconds(30).UtcDateTime.ToString("O"))}";
        using var series = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/targets/{id}/series?{range}", UriKind.Relative)));
        Assert.Equal([1.5, 1.501, 1.502, 1.503, 1.504, 1.505, 1.506, 1.507, 1.508, 1.509],
            series.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("p50Ms").GetDouble()));

        var csv = await http.GetStringAsync(new Uri($"/api/export?target={id}&{range}", UriKind.Relative));
        Assert.Equal(11, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($",{probeId},'=cmd|' /C calc'!A0,ok,1.5\r\n", csv, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/targets");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static HttpRequestMessage Get(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static List<(string Method, string Path, JsonElement Operation)> Documented()
    {
        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        return [.. document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (operation.Name, path.Name, operation.Value.Clone())))];
    }

    /// <summary>The operation's parameters with references resolved.</summary>
    private static IEnumerable<JsonElement> Parameters(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var parameters))
        {
            yield break;
        }

        using var document = JsonDocument.Parse(OpenApiHandler.Load());
        var shared = document.RootElement.GetProperty("components").GetProperty("parameters");
        foreach (var parameter in parameters.EnumerateArray())
        {
            yield return parameter.TryGetProperty("$ref", out var reference)
                ? shared.GetProperty(reference.GetString()!.Split('/')[^1]).Clone()
                : parameter;
        }
    }

    /// <summary>Good values for the operation's path parameters and required query parameters, but <paramref name="except"/>.</summary>
    private static (string Path, string Query) Fill(string path, JsonElement operation, string except)
    {
        var query = new List<string>();
        foreach (var parameter in Parameters(operation))
        {
            var name = parameter.GetProperty("name").GetString()!;
            if (name == except)
            {
                continue;
            }

            // Well-formed, but nothing stored: a check of another parameter must come first.
            var good = name switch
            {
                "id" or "target" or "targetId" => TargetIds.Format("nobody", "nothing"),
                "probe" => "nobody",
                "date" => "2020-01-01",
                "token" => WellFormedShareToken(),
                "kind" => "week",
                "period" => "2020-W01",
                "file" => "pack.pdf",
                "snapshotId" => "20200101T000000.0000000Z",
                _ => null,
            };
            if (parameter.GetProperty("in").GetString() == "path")
            {
                path = path.Replace("{" + name + "}", good, StringComparison.Ordinal);
            }
            else if (parameter.TryGetProperty("required", out var required) && required.GetBoolean())
            {
                query.Add(name + "=" + good);
            }
        }

        return (path, query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    /// <summary>A share token of the right shape, signed with a key this host does not have.</summary>
    private static string WellFormedShareToken() =>
        new ShareLinkTokens(Microsoft.Extensions.Options.Options.Create(new NetPulse.Monitoring.Incidents.AcknowledgeLinkOptions { AcknowledgeKey = new string('k', 32) }), TimeProvider.System)
            .Issue(new NetPulse.Monitoring.Storage.ShareLink
            {
                Id = ShareLinkTokens.NewId(),
                Scope = NetPulse.Monitoring.Storage.ShareScope.Target,
                ProbeId = "nobody",
                Item = "nothing",
                DataFrom = DateTimeOffset.UnixEpoch,
                CreatedAt = DateTimeOffset.UnixEpoch,
                CreatedBy = "test",
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            });

    private static string Bad(JsonElement parameter)
    {
        var schema = parameter.GetProperty("schema");
        return schema.TryGetProperty("format", out var format) && format.GetString() is "date-time" or "date"
            ? "not-a-time"
            : schema.TryGetProperty("enum", out _) || schema.TryGetProperty("$ref", out _) ? "bogus" : "not an id";
    }

    /// <summary>A dev host whose CORS allows only <see cref="Dashboard"/>.</summary>
    public sealed class Host() : DevHostFixture(new Dictionary<string, string> { ["NetPulse:Api:AllowedOrigins"] = Dashboard });
}
