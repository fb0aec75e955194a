using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.SignIn;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The maintenance and acknowledgement routes through Kestrel with sign-in required: a Reader lists windows but may
/// change nothing, an Admin adds a window under the token's name, and the signed link needs no token but its signature.
/// </summary>
public sealed class MaintenanceSignInTests(MaintenanceSignInTests.Host host) : IClassFixture<MaintenanceSignInTests.Host>
{
    private const string MuteGateway = "{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}";
    private const string SomeIncident = "20260302T100000-D-0000000000000000";

    public sealed class Host : SignedInDevHost
    {
        protected override void Configure(Dictionary<string, string> settings)
        {
            settings["NetPulse:Alerts:AcknowledgeKey"] = "a-dev-host-test-key-of-32-characters-or-more";
            settings["NetPulse:Alerts:PublicApiBaseUrl"] = "https://netpulse.example.org/api";
        }
    }

    public static TheoryData<string, string, string?> AdminRoutes() => new()
    {
        { "POST", "/api/maintenance", MuteGateway },
        { "DELETE", "/api/maintenance/abc123", null },
        { "POST", $"/api/incidents/{SomeIncident}/maintenance", null },
        { "POST", $"/api/incidents/{SomeIncident}/ack", null },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task A_reader_may_not_change_maintenance_or_acknowledge(string method, string path, string? body)
    {
        using var response = await host.SendAsync(new HttpMethod(method), path, host.Issuer.Issue([ApiRoles.Reader]), body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("urn:netpulse:problem:role-missing", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_adds_a_window_under_the_tokens_name_and_a_reader_lists_it()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/maintenance", host.Issuer.Issue([ApiRoles.Admin]), MuteGateway);
        using var listed = await host.SendAsync(HttpMethod.Get, "/api/maintenance", host.Issuer.Issue([ApiRoles.Reader]), null);
        using var noToken = await host.SendAsync(HttpMethod.Get, "/api/maintenance", null, null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var window = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("Test User", window.RootElement.GetProperty("createdBy").GetString());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(window.RootElement.GetProperty("id").GetString()!, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    [Fact]
    public async Task A_reader_lists_the_alert_notices_and_no_token_is_refused()
    {
        using var listed = await host.SendAsync(HttpMethod.Get, "/api/alerts?state=undelivered", host.Issuer.Issue([ApiRoles.Reader]), null);
        using var noToken = await host.SendAsync(HttpMethod.Get, "/api/alerts", null, null);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var list = JsonDocument.Parse(await listed.Content.ReadAsStringAsync());
        Assert.Equal(0, list.RootElement.GetProperty("undelivered").GetInt32());
        Assert.Equal(JsonValueKind.Array, list.RootElement.GetProperty("alerts").ValueKind);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    [Fact]
    public async Task The_signed_link_needs_no_token_and_a_tampered_one_is_a_403()
    {
        var link = host.DevHost.Services.GetRequiredService<AcknowledgeLinks>().Create("home-1", SomeIncident)!;

        using var page = await host.SendAsync(HttpMethod.Get, "/api/ack" + link.Query, null, null);
        using var tampered = await host.SendAsync(HttpMethod.Get, "/api/ack" + link.Query.Replace("home-1", "home-2", StringComparison.Ordinal), null, null);
        using var pressed = await host.SendAsync(HttpMethod.Post, "/api/ack" + link.Query, null, null);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<button type=\"submit\">Acknowledge</button>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal("application/problem+json", tampered.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        Assert.Equal("link", (await host.DevHost.Services.GetRequiredService<IIncidentAcknowledgements>().GetAsync("home-1", SomeIncident, CancellationToken.None))?.By);
    }
}
