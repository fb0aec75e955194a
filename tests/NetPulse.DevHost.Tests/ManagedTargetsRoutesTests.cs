using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.SignIn;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The managed targets' routes through the real dev host with sign-in required (a local token issuer): Admin changes,
/// Reader reads and is refused changes (403), and the probe's own route takes its signature and no user token.
/// </summary>
public sealed class ManagedTargetsRoutesTests(ManagedTargetsRoutesTests.Host host) : IClassFixture<ManagedTargetsRoutesTests.Host>
{
    private const string Dashboard = "http://127.0.0.1:5173";

    public sealed class Host : SignedInDevHost
    {
        public TestProbe Probe { get; } = new("lab-01");

        public override async Task DisposeAsync()
        {
            Probe.Dispose();
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reader_reads_the_managed_targets_but_every_change_is_a_403()
    {
        var admin = host.Issuer.Issue([ApiRoles.Admin]);
        var reader = host.Issuer.Issue([ApiRoles.Reader]);
        await RegisterAsync("lab-reader", admin);
        var id = Uri.EscapeDataString(NetPulse.Monitoring.Api.TargetIds.Format("lab-reader", "gw"));

        using var list = await SendAsync(HttpMethod.Get, "/api/probes/lab-reader/targets", reader);
        using var export = await SendAsync(HttpMethod.Get, "/api/probes/lab-reader/targets/export?format=csv", reader);
        var refusals = new List<HttpResponseMessage>
        {
            await SendAsync(HttpMethod.Post, "/api/probes/lab-reader/targets", reader, Target("gw")),
            await SendAsync(HttpMethod.Put, $"/api/probes/lab-reader/targets/{id}", reader, Target("gw"), ifMatch: "*"),
            await SendAsync(HttpMethod.Delete, $"/api/probes/lab-reader/targets/{id}", reader),
            await SendAsync(HttpMethod.Post, "/api/probes/lab-reader/targets/import", reader, "[]"),
        };

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        foreach (var refused in refusals)
        {
            using (refused)
            {
                var problem = await ProblemAsync(refused, HttpStatusCode.Forbidden);
                Assert.Equal("urn:netpulse:problem:role-missing", problem.GetProperty("type").GetString());
            }
        }
    }

    [Fact]
    public async Task An_admin_changes_targets_with_field_errors_412_and_428_and_an_unknown_probe_is_a_404()
    {
        var admin = host.Issuer.Issue([ApiRoles.Admin]);
        await RegisterAsync("lab-admin", admin);

        using var invalid = await SendAsync(HttpMethod.Post, "/api/probes/lab-admin/targets", admin, """{"name":"gw","host":"192.168.1.1","intervalMs":10}""");
        using var created = await SendAsync(HttpMethod.Post, "/api/probes/lab-admin/targets", admin, Target("gw"));
        var view = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var path = $"/api/probes/lab-admin/targets/{Uri.EscapeDataString(view.GetProperty("id").GetString()!)}";
        using var noIfMatch = await SendAsync(HttpMethod.Put, path, admin, Target("gw", "10.0.0.2"));
        using var updated = await SendAsync(HttpMethod.Put, path, admin, Target("gw", "10.0.0.2"), view.GetProperty("etag").GetString());
        using var stale = await SendAsync(HttpMethod.Put, path, admin, Target("gw", "10.0.0.3"), view.GetProperty("etag").GetString());
        using var unknown = await SendAsync(HttpMethod.Get, "/api/probes/nobody/targets", admin);

        var problem = await ProblemAsync(invalid, HttpStatusCode.BadRequest);
        Assert.Equal("intervalMs", problem.GetProperty("parameter").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("intervalMs", out _));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("urn:netpulse:problem:if-match-required", (await ProblemAsync(noIfMatch, (HttpStatusCode)428)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("urn:netpulse:problem:stale-target", (await ProblemAsync(stale, HttpStatusCode.PreconditionFailed)).GetProperty("type").GetString());
        Assert.Equal("probe", (await ProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task The_probe_fetches_its_list_with_its_signature_and_no_user_token()
    {
        var admin = host.Issuer.Issue([ApiRoles.Admin]);
        await RegisterAsync(host.Probe.Id, admin, host.Probe.PublicKeyBase64);
        using (await SendAsync(HttpMethod.Post, "/api/probes/lab-01/targets", admin, Target("gateway")))
        {
        }

        const string path = "/api/probes/lab-01/target-list";
        using var unsigned = await SendAsync(HttpMethod.Get, path, token: null);
        using var withUserToken = await SendAsync(HttpMethod.Get, path, admin);
        using var signed = await SignedAsync(path);
        var etag = signed.Headers.ETag?.Tag;
        using var again = await SignedAsync(path, etag);

        Assert.Equal("urn:netpulse:problem:probe-signature", (await ProblemAsync(unsigned, HttpStatusCode.Unauthorized)).GetProperty("type").GetString());
        Assert.Equal("NPR1", Assert.Single(unsigned.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, withUserToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var list = ManagedTargetList.FromJson(await signed.Content.ReadAsByteArrayAsync());
        Assert.Equal("\"" + list.Version + "\"", etag);
        Assert.Equal("gateway", Assert.Single(list.Targets).Name);
        Assert.NotNull(signed.Headers.Date);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_may_send_put_and_delete_with_if_match_across_origins()
    {
        using var http = new HttpClient { BaseAddress = host.DevHost.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/probes/lab-01/targets/x");
        request.Headers.Add("Origin", Dashboard);
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,if-match");

        using var response = await http.SendAsync(request);

        Assert.Equal(Dashboard, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("PUT", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("if-match", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    private static string Target(string name, string host = "192.168.1.1") =>
        JsonSerializer.Serialize(new { name, host, intervalMs = 1000 });

    private async Task RegisterAsync(string probeId, string admin, string? publicKey = null)
    {
        using var key = ProbeKeys.Create();
        using var response = await SendAsync(HttpMethod.Post, "/api/probes", admin,
            JsonSerializer.Serialize(new { id = probeId, publicKey = publicKey ?? Convert.ToBase64String(ProbeKeys.PublicKey(key)) }));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"registering {probeId}: {(int)response.StatusCode}");
    }

    private async Task<HttpResponseMessage> SignedAsync(string path, string? ifNoneMatch = null)
    {
        using var http = new HttpClient { BaseAddress = host.DevHost.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", ProbeRequestSignature.Sign("GET", path, DateTimeOffset.UtcNow, host.Probe.Id, host.Probe.Key));
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}, not {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null, string? ifMatch = null)
    {
        using var http = new HttpClient { BaseAddress = host.DevHost.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }
}
