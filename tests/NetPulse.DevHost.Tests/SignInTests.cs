using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.SignIn;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The dev host with sign-in required, through Kestrel, against a local token issuer on loopback (OpenID metadata and
/// keys fetched over HTTP as from Entra ID): a bad or missing token is a 401 problem with a Bearer challenge saying
/// what is wrong, a valid token without the route's role a 403, and the anonymous routes stay open.
/// </summary>
public sealed class SignInTests(SignInTests.Host host) : IClassFixture<SignInTests.Host>
{
    private const string Dashboard = "http://127.0.0.1:5173";

    public sealed class Host : SignedInDevHost
    {
        // The start line saying who may sign in is information, not a warning.
        protected override void Configure(Dictionary<string, string> settings) => settings["Logging:LogLevel:Default"] = "Information";
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "expired", "the token expired at " },
        { "forged", "signature does not verify" },
        { "wrong issuer", "was issued by 'https://login.microsoftonline.com/" },
        { "wrong audience", "the token is for 'api://" },
        { "malformed", "not a JSON web token" },
    };

    [Fact]
    public async Task A_request_without_a_token_is_a_401_problem_with_a_bearer_challenge()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/targets", token: null);

        var problem = await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("urn:netpulse:problem:sign-in-required", problem.GetProperty("type").GetString());
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error=", challenge.Parameter, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_a_401_problem_saying_what_is_wrong_without_repeating_it(string kind, string detail)
    {
        var token = kind switch
        {
            "expired" => host.Issuer.Issue([ApiRoles.Admin], expires: DateTimeOffset.UtcNow.AddHours(-1)),
            "forged" => host.Issuer.Issue([ApiRoles.Admin], forged: true),
            "wrong issuer" => host.Issuer.Issue([ApiRoles.Admin], issuer: $"https://login.microsoftonline.com/{Guid.NewGuid()}/v2.0"),
            "wrong audience" => host.Issuer.Issue([ApiRoles.Admin], audience: $"api://{Guid.NewGuid()}"),
            _ => "not-a-token",
        };

        using var response = await host.SendAsync(HttpMethod.Get, "/api/targets", token);

        var problem = await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Unauthorized);
        var said = problem.GetProperty("detail").GetString()!;
        Assert.Contains(detail, said, StringComparison.Ordinal);
        Assert.DoesNotContain(token, said, StringComparison.Ordinal);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.DoesNotContain(token, challenge.Parameter!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_reads_targets_but_may_not_rebuild_a_report()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        using var targets = await host.SendAsync(HttpMethod.Get, "/api/targets", reader);
        using var rebuild = await host.SendAsync(HttpMethod.Post, $"/api/reports/{Yesterday()}/rebuild", reader);

        Assert.Equal(HttpStatusCode.OK, targets.StatusCode);
        var problem = await SignedInDevHost.ProblemAsync(rebuild, HttpStatusCode.Forbidden);
        Assert.Equal("urn:netpulse:problem:role-missing", problem.GetProperty("type").GetString());
        Assert.Contains("needs the Admin role; the token has the roles Reader", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_may_neither_see_the_queues_nor_redrive_one_and_an_admin_may()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);
        var admin = host.Issuer.Issue([ApiRoles.Admin]);

        using var list = await host.SendAsync(HttpMethod.Get, "/api/admin/queues", reader);
        using var redrive = await host.SendAsync(HttpMethod.Post, "/api/admin/queues/ping-batches/redrive", reader);
        using var asAdmin = await host.SendAsync(HttpMethod.Get, "/api/admin/queues", admin);

        Assert.Equal("urn:netpulse:problem:role-missing", (await SignedInDevHost.ProblemAsync(list, HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        Assert.Equal("urn:netpulse:problem:role-missing", (await SignedInDevHost.ProblemAsync(redrive, HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task A_reader_sees_the_fleet_but_may_not_retire_a_probe_or_a_target()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        using var fleet = await host.SendAsync(HttpMethod.Get, "/api/probes", reader);
        using var retireProbe = await host.SendAsync(HttpMethod.Post, "/api/probes/lab-01/retire", reader);
        using var unretireProbe = await host.SendAsync(HttpMethod.Delete, "/api/probes/lab-01/retire", reader);
        using var retireTarget = await host.SendAsync(HttpMethod.Post, "/api/targets/lab-01~Z2F0ZXdheQ/retire", reader);

        Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
        foreach (var refused in new[] { retireProbe, unretireProbe, retireTarget })
        {
            var problem = await SignedInDevHost.ProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.Equal("urn:netpulse:problem:role-missing", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task A_token_without_a_netpulse_role_reads_nothing()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/incidents", host.Issuer.Issue([]));

        var problem = await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("no NetPulse role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_reads_and_rebuilds()
    {
        var admin = host.Issuer.Issue([ApiRoles.Admin]);

        using var targets = await host.SendAsync(HttpMethod.Get, "/api/targets", admin);
        using var rebuild = await host.SendAsync(HttpMethod.Post, "/api/reports/not-a-date/rebuild", admin);

        Assert.Equal(HttpStatusCode.OK, targets.StatusCode);

        // The handler itself answered: its own 400 naming the date, which only runs past the gate.
        var problem = await SignedInDevHost.ProblemAsync(rebuild, HttpStatusCode.BadRequest);
        Assert.Equal("date", problem.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/openapi.json")]
    public async Task Health_and_the_api_description_need_no_token(string path)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_refusal_carries_the_cors_headers_so_the_dashboard_can_read_it()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/targets", token: null, origin: Dashboard);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Dashboard, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task The_signing_keys_are_fetched_once_not_per_request()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);
        using (await host.SendAsync(HttpMethod.Get, "/api/reports", reader))
        {
        }

        var before = host.Issuer.KeyRequests;
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.SendAsync(HttpMethod.Get, "/api/reports", reader);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(before >= 1, "the keys were never fetched from the issuer");
        Assert.Equal(before, host.Issuer.KeyRequests);
    }

    [Fact]
    public void Every_mapped_api_route_names_its_access_from_the_route_table()
    {
        var endpoints = host.DevHost.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith(NetPulseApi.RoutePrefix + "/", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(NetPulseApi.Routes.Count, endpoints.Count);
        Assert.All(endpoints, e =>
        {
            var route = e.Metadata.GetMetadata<ApiRoute>();
            Assert.NotNull(route);
            Assert.Equal(NetPulseApi.Route(Assert.Single(e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods), route.Template), route);
        });
    }

    [Fact]
    public void The_start_log_says_sign_in_is_required_and_by_whom()
    {
        Assert.Contains(host.DevHost.Log.AtLeast(LogLevel.Information), entry => entry.Message.Contains("requires sign-in", StringComparison.Ordinal)
            && entry.Message.Contains(host.Issuer.Authority, StringComparison.Ordinal));
    }

    private static string Yesterday() => DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
