using System.Net;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The evidence views through the dev host's Kestrel: a batch on the queue shows up in the target's heatmap (today's
/// hour, its rounds and loss) and quality figures and in the ranking; an unknown target is a 404 problem naming "id".
/// (ApiRoutesTests checks that the routes are mapped as documented and every bad parameter is a 400 naming it.)
/// </summary>
public sealed class EvidenceViewsRoutesTests(EvidenceViewsRoutesTests.Host host) : IClassFixture<EvidenceViewsRoutesTests.Host>
{
    [Fact]
    public async Task A_batch_on_the_queue_shows_up_in_the_heatmap_the_quality_and_the_ranking()
    {
        var probeId = "evidence-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-1);
        var batch = new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = 1,
            WindowStart = start,
            Targets =
            [
                new TargetSamples
                {
                    Name = "<b>dns</b>",
                    Host = "127.0.0.1",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, 10).Select(i => i < 8 ? WireSample.Success(i * 1000, 10_000 + (i % 2 * 4000)) : WireSample.Failure(i * 1000, PingStatus.Timeout))],
                },
            ],
        };
        using var probes = new TestProbes(host.Azurite.ConnectionString);
        await host.Queue(DevHostFixture.PingBatchQueue).SendMessageAsync(await probes.SignAsync(batch));
        var id = TargetIds.Format(probeId, batch.Targets[0].Name);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement cell;
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"/api/targets/{id}/heatmap?metric=loss&weeks=4", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var heatmap = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(28, heatmap.GetProperty("days").GetArrayLength());
                var cells = heatmap.GetProperty("days").EnumerateArray().SelectMany(d => d.GetProperty("hours").EnumerateArray()).ToList();
                cell = cells.Single(c => c.GetProperty("rounds").GetInt32() > 0);
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the batch did not show up in the heatmap within 30 s");
            await Task.Delay(200);
        }

        Assert.Equal(10, cell.GetProperty("rounds").GetInt32());
        Assert.Equal(20.0, cell.GetProperty("value").GetDouble());

        using var quality = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/targets/{id}/quality", UriKind.Relative)));
        var figures = quality.RootElement.GetProperty("quality");
        Assert.Equal((10, 8, 20.0, 12.0, 4.0), (figures.GetProperty("rounds").GetInt32(), figures.GetProperty("replies").GetInt32(),
            figures.GetProperty("lossPercent").GetDouble(), figures.GetProperty("avgMs").GetDouble(), figures.GetProperty("jitterMs").GetDouble()));
        Assert.InRange(figures.GetProperty("mos").GetDouble(), 1, 4.5);

        using var ranking = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/ranking?by=jitter&limit=100", UriKind.Relative)));
        var ranked = ranking.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal("<b>dns</b>", ranked.GetProperty("name").GetString());
        Assert.Equal("jitter", ranking.RootElement.GetProperty("by").GetString());
    }

    [Theory]
    [InlineData("heatmap?metric=p95")]
    [InlineData("quality")]
    public async Task An_unknown_target_is_a_404_problem_naming_id(string route)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri($"/api/targets/{TargetIds.Format("nobody", "nothing")}/{route}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("id", problem.RootElement.GetProperty("parameter").GetString());
    }

    /// <summary>A dev host with the default settings.</summary>
    public sealed class Host() : DevHostFixture(null);
}

/// <summary>
/// The evidence views with sign-in required: no token or a bad one is a 401 problem with a Bearer challenge, a token
/// without a NetPulse role a 403 problem; all three are reads, so a Reader passes the gate (none is Admin-only).
/// </summary>
public sealed class EvidenceViewsSignInTests(SignedInDevHost host) : IClassFixture<SignedInDevHost>
{
    private static readonly string Unknown = TargetIds.Format("nobody", "nothing");

    public static TheoryData<string> Views() => new() { $"/api/targets/{Unknown}/heatmap?metric=loss", $"/api/targets/{Unknown}/quality", "/api/ranking" };

    [Theory]
    [MemberData(nameof(Views))]
    public async Task No_token_is_a_401_problem_with_a_bearer_challenge(string path)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, token: null);

        var problem = await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("urn:netpulse:problem:sign-in-required", problem.GetProperty("type").GetString());
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task A_bad_token_is_a_401_problem_saying_it_is_invalid(string path)
    {
        // Signed by a key the issuer never published, and with the Admin role: the role must not outweigh the signature.
        using var forged = await host.SendAsync(HttpMethod.Get, path, host.Issuer.Issue([ApiRoles.Admin], forged: true));
        using var expired = await host.SendAsync(HttpMethod.Get, path, host.Issuer.Issue([ApiRoles.Reader], expires: DateTimeOffset.UtcNow.AddHours(-1)));

        foreach (var response in new[] { forged, expired })
        {
            await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task A_token_without_a_netpulse_role_is_a_403_problem(string path)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, host.Issuer.Issue([]));

        var problem = await SignedInDevHost.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("urn:netpulse:problem:role-missing", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_reader_passes_the_gate_to_the_handlers()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        using var heatmap = await host.SendAsync(HttpMethod.Get, $"/api/targets/{Unknown}/heatmap?metric=loss", reader);
        using var quality = await host.SendAsync(HttpMethod.Get, $"/api/targets/{Unknown}/quality", reader);
        using var ranking = await host.SendAsync(HttpMethod.Get, "/api/ranking", reader);

        // The handlers' own answers: only they know the target is unknown.
        Assert.Equal("id", (await SignedInDevHost.ProblemAsync(heatmap, HttpStatusCode.NotFound)).GetProperty("parameter").GetString());
        Assert.Equal("id", (await SignedInDevHost.ProblemAsync(quality, HttpStatusCode.NotFound)).GetProperty("parameter").GetString());
        Assert.Equal(HttpStatusCode.OK, ranking.StatusCode);
    }
}
