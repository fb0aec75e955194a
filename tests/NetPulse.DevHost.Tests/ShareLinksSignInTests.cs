using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// Share links through Kestrel with sign-in required: only an Admin makes, lists and revokes them; the link alone reads
/// its one target without a token, and nothing else; an expired or revoked link is a 410; every other route still
/// wants a token.
/// </summary>
public sealed class ShareLinksSignInTests(ShareLinksSignInTests.Host host) : IClassFixture<ShareLinksSignInTests.Host>
{
    private const string Key = "a-dev-host-share-key-of-32-characters-or-more";

    public sealed class Host : SignedInDevHost
    {
        protected override void Configure(Dictionary<string, string> settings) => settings["NetPulse:Alerts:AcknowledgeKey"] = Key;
    }

    [Fact]
    public async Task A_reader_may_neither_make_nor_list_nor_revoke_links_and_no_token_is_a_401()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        using var create = await host.SendAsync(HttpMethod.Post, "/api/shares", reader, "{\"scope\":\"target\",\"target\":\"home-1~Z3c\"}");
        using var list = await host.SendAsync(HttpMethod.Get, "/api/shares", reader);
        using var revoke = await host.SendAsync(HttpMethod.Delete, "/api/shares/" + ShareLinkTokens.NewId(), reader);
        using var anonymous = await host.SendAsync(HttpMethod.Get, "/api/shares", null);

        foreach (var response in new[] { create, list, revoke })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {text}");
            Assert.Contains("urn:netpulse:problem:role-missing", text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_link_reads_its_target_without_a_token_and_nothing_else_and_is_a_410_once_revoked()
    {
        var (shared, other) = await SeedAsync();
        var admin = host.Issuer.Issue([ApiRoles.Admin]);
        using var created = await host.SendAsync(HttpMethod.Post, "/api/shares", admin, $"{{\"scope\":\"target\",\"target\":\"{shared}\",\"expiresIn\":\"P1D\"}}");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var link = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var token = link.RootElement.GetProperty("token").GetString()!;
        var id = link.RootElement.GetProperty("id").GetString()!;

        using var view = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}", null);
        using var series = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}/series", null);
        using var incidents = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}/incidents", null);
        using var otherIncidents = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}/incidents?target={other}", null);
        using var forged = await host.SendAsync(HttpMethod.Get, $"/api/shared/{Forge(link.RootElement, other)}/series", null);

        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        using var shown = JsonDocument.Parse(await view.Content.ReadAsStringAsync());
        Assert.Equal(shared, shown.RootElement.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, series.StatusCode);
        Assert.Contains(shared, await series.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, incidents.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherIncidents.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.DoesNotContain(other, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The link is no key to anything else: the lists and the other target still want a token.
        foreach (var path in new[] { "/api/targets", $"/api/targets/{other}/series", "/api/incidents", $"/api/export?target={other}", "/api/shares" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var http = new HttpClient { BaseAddress = host.DevHost.BaseAddress };
            using var withLink = await http.SendAsync(request);
            using var bare = await host.SendAsync(HttpMethod.Get, path, null);
            Assert.True(withLink.StatusCode == HttpStatusCode.Unauthorized, $"{path} with the link as bearer: {(int)withLink.StatusCode}");
            Assert.True(bare.StatusCode == HttpStatusCode.Unauthorized, $"{path} without a token: {(int)bare.StatusCode}");
        }

        using var revoked = await host.SendAsync(HttpMethod.Delete, $"/api/shares/{id}", admin);
        using var after = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}/series", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, after.StatusCode);
        var gone = await after.Content.ReadAsStringAsync();
        Assert.Contains(SharedViewHandler.RevokedType, gone, StringComparison.Ordinal);
        Assert.DoesNotContain(shared, gone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_link_is_a_410_that_says_so()
    {
        var link = new ShareLink
        {
            Id = ShareLinkTokens.NewId(),
            Scope = ShareScope.Target,
            ProbeId = "home-1",
            Item = "gw",
            DataFrom = DateTimeOffset.UtcNow.AddDays(-30),
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-8),
            CreatedBy = "test",
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds()),
        };
        var token = Tokens(Key).Issue(link);

        using var response = await host.SendAsync(HttpMethod.Get, $"/api/shared/{token}", null);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(SharedViewHandler.ExpiredType, text, StringComparison.Ordinal);
        Assert.Contains("expired", text, StringComparison.Ordinal);
        Assert.DoesNotContain("gw", text, StringComparison.Ordinal);
    }

    /// <summary>Two targets of a fresh probe, through the queue as a probe sends them; their ids once the API has them.</summary>
    private async Task<(string Shared, string Other)> SeedAsync()
    {
        var probeId = "share-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
        TargetSamples Target(string name) => new()
        {
            Name = name,
            Host = "127.0.0.1",
            IntervalMs = 1000,
            Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 1500 + i))],
        };
        var batch = new PingBatch { Version = PingBatch.CurrentVersion, ProbeId = probeId, Sequence = 1, WindowStart = start, Targets = [Target("isp-edge"), Target("printer")] };
        using var probes = new TestProbes(host.DevHost.Azurite.ConnectionString);
        await host.DevHost.Queue(DevHostFixture.PingBatchQueue).SendMessageAsync(await probes.SignAsync(batch));
        var (shared, other) = (TargetIds.Format(probeId, "isp-edge"), TargetIds.Format(probeId, "printer"));

        var reader = host.Issuer.Issue([ApiRoles.Reader]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await host.SendAsync(HttpMethod.Get, $"/api/targets/{shared}", reader);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (shared, other);
            }

            Assert.True(DateTime.UtcNow < deadline, "the batch did not show up in /api/targets within 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>The same link pointed at another target, signed with a key the host does not have.</summary>
    private static string Forge(JsonElement link, string otherTarget)
    {
        Assert.True(TargetIds.TryParse(otherTarget, out var probeId, out var name, out _));
        return Tokens("a-forger-key-of-at-least-32-characters-long").Issue(new ShareLink
        {
            Id = link.GetProperty("id").GetString()!,
            Scope = ShareScope.Target,
            ProbeId = probeId,
            Item = name,
            DataFrom = link.GetProperty("dataFrom").GetDateTimeOffset(),
            CreatedAt = link.GetProperty("createdAt").GetDateTimeOffset(),
            CreatedBy = "forger",
            ExpiresAt = link.GetProperty("expiresAt").GetDateTimeOffset(),
        });
    }

    private static ShareLinkTokens Tokens(string key) => new(Options.Create(new AcknowledgeLinkOptions { AcknowledgeKey = key }), TimeProvider.System);
}
