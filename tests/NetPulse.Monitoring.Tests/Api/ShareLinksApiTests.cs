using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// The share link routes' handlers over the API rig's Azurite: made by an Admin, read without sign-in through the same
/// readers as the signed-in routes, and refused once expired (a clock of the test's own) or revoked, without saying
/// what the link showed.
/// </summary>
[Collection(SharedApiRig.Name)]
public sealed class ShareLinksApiTests(ApiRig rig)
{
    private const string Key = "a-share-test-key-of-at-least-thirty-two-characters";
    private static readonly ServiceProvider RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();

    private readonly FakeTimeProvider _time = new(ApiScenario.Now);

    private static string Nas => ApiRig.Id(ApiScenario.Home, ApiScenario.Nas);

    [Fact]
    public async Task A_target_link_shows_the_target_its_series_and_incidents_as_the_signed_in_routes_do()
    {
        var (admin, shared) = Handlers();
        var created = await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\",\"expiresIn\":\"P7D\",\"note\":\"ticket 4711\"}}");
        var token = created.GetProperty("token").GetString()!;
        var range = $"?from={Iso(ApiScenario.LiveEnd.AddHours(-2))}&to={Iso(ApiScenario.LiveEnd)}";

        var view = await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None));
        var series = await CallAsync(r => shared.SeriesAsync(r, token, CancellationToken.None), query: range);
        var direct = await CallAsync(r => rig.Targets.SeriesAsync(r, Nas, CancellationToken.None), query: range);
        var incidents = await CallAsync(r => shared.IncidentsAsync(r, token, CancellationToken.None), query: range);

        Assert.Equal("active", created.GetProperty("state").GetString());
        Assert.Equal(ApiScenario.Now.AddDays(7), created.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(200, view.Status);
        Assert.Equal("target", view.Json.GetProperty("scope").GetString());
        Assert.Equal(ApiScenario.Nas, view.Json.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal(ApiScenario.Home, view.Json.GetProperty("probeId").GetString());
        Assert.Equal(ApiScenario.Now.AddDays(-30), view.Json.GetProperty("dataFrom").GetDateTimeOffset());
        Assert.DoesNotContain("ticket 4711", view.Text, StringComparison.Ordinal);
        Assert.Equal(200, series.Status);
        Assert.Equal(direct.Text, series.Text);
        Assert.Equal(200, incidents.Status);
        var listed = incidents.Json.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Contains("down", listed.Select(i => i.GetProperty("type").GetString()));
        Assert.Contains("latency", listed.Select(i => i.GetProperty("type").GetString()));
        Assert.All(listed, i => Assert.Equal(Nas, i.GetProperty("targetId").GetString()));
        Assert.All(listed, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("acknowledgement").ValueKind));
    }

    [Fact]
    public async Task A_target_link_cannot_be_pointed_at_another_target_or_before_its_data_range()
    {
        var (admin, shared) = Handlers();
        var created = await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\",\"from\":\"{Uri.UnescapeDataString(Iso(ApiScenario.LiveStart))}\"}}");
        var token = created.GetProperty("token").GetString()!;
        var printer = ApiRig.Id(ApiScenario.Home, ApiScenario.Printer);

        var other = await CallAsync(r => shared.IncidentsAsync(r, token, CancellationToken.None), query: $"?target={printer}");
        var early = await CallAsync(r => shared.SeriesAsync(r, token, CancellationToken.None), query: $"?from={Iso(ApiScenario.HistoryStart)}&to={Iso(ApiScenario.HistoryEnd)}");
        var file = await CallAsync(r => shared.FileAsync(r, token, "pack.pdf", CancellationToken.None));

        Assert.Equal(403, other.Status);
        Assert.Equal(SharedViewHandler.ScopeType, other.Json.GetProperty("type").GetString());
        early.AssertProblem(400, "from");
        Assert.Equal(404, file.Status);
        Assert.Equal(SharedViewHandler.ScopeType, file.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_expired_link_is_a_410_that_says_expired_and_not_what_it_showed()
    {
        var (admin, shared) = Handlers();
        var token = (await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\",\"expiresIn\":\"PT1H\"}}")).GetProperty("token").GetString()!;

        _time.Advance(TimeSpan.FromMinutes(59));
        var before = await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None));
        var listed = await CallAsync(r => admin.ListAsync(r, CancellationToken.None));

        Assert.Equal(200, before.Status);
        Assert.Equal(410, after.Status);
        Assert.Equal(SharedViewHandler.ExpiredType, after.Json.GetProperty("type").GetString());
        Assert.Contains("expired", after.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiScenario.Nas, after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiScenario.Home, after.Text, StringComparison.Ordinal);
        Assert.Contains(listed.Json.GetProperty("shares").EnumerateArray(), s => s.GetProperty("state").GetString() == "expired");
    }

    [Fact]
    public async Task A_revoked_link_is_a_410_that_says_revoked_at_once_and_the_list_never_holds_a_token()
    {
        var (admin, shared) = Handlers();
        var created = await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\"}}");
        var (id, token) = (created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);

        var before = await CallAsync(r => shared.SeriesAsync(r, token, CancellationToken.None));
        var revoked = await CallAsync(r => admin.RevokeAsync(r, id, CancellationToken.None), "DELETE", user: "Rita Revoker");
        var after = await CallAsync(r => shared.SeriesAsync(r, token, CancellationToken.None));
        var listed = await CallAsync(r => admin.ListAsync(r, CancellationToken.None));

        Assert.Equal(200, before.Status);
        Assert.Equal(200, revoked.Status);
        Assert.Equal("revoked", revoked.Json.GetProperty("state").GetString());
        Assert.Equal("Rita Revoker", revoked.Json.GetProperty("revokedBy").GetString());
        Assert.Equal(410, after.Status);
        Assert.Equal(SharedViewHandler.RevokedType, after.Json.GetProperty("type").GetString());
        Assert.Contains("revoked", after.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiScenario.Nas, after.Text, StringComparison.Ordinal);
        var row = Assert.Single(listed.Json.GetProperty("shares").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("token").ValueKind);
        Assert.DoesNotContain(token.Split('.')[1], listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pack_link_serves_the_packs_files_from_the_pack_source_and_no_target_route()
    {
        var packs = new OnePack(ApiScenario.Home, "week", "2026-W09");
        var (admin, shared) = Handlers(packs: packs);
        var token = (await CreateAsync(admin, $"{{\"scope\":\"pack\",\"probe\":\"{ApiScenario.Home}\",\"kind\":\"week\",\"period\":\"2026-W09\"}}")).GetProperty("token").GetString()!;
        var otherWeek = (await CreateAsync(admin, $"{{\"scope\":\"pack\",\"probe\":\"{ApiScenario.Home}\",\"kind\":\"week\",\"period\":\"2026-W10\"}}")).GetProperty("token").GetString()!;

        var view = await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None));
        var pdf = await CallAsync(r => shared.FileAsync(r, token, "pack.pdf", CancellationToken.None));
        var missing = await CallAsync(r => shared.FileAsync(r, otherWeek, "pack.pdf", CancellationToken.None));
        var badFile = await CallAsync(r => shared.FileAsync(r, token, "../secrets.txt", CancellationToken.None));
        var series = await CallAsync(r => shared.SeriesAsync(r, token, CancellationToken.None));

        Assert.Equal(200, view.Status);
        Assert.Equal("week", view.Json.GetProperty("pack").GetProperty("kind").GetString());
        Assert.Contains("pack.pdf", view.Json.GetProperty("pack").GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, view.Json.GetProperty("target").ValueKind);
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Equal("%PDF-1.7 home-1 week 2026-W09", pdf.Text);
        Assert.Equal(404, missing.Status);
        Assert.Contains("no such pack", missing.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        badFile.AssertProblem(400, "file");
        Assert.Equal(404, series.Status);
        Assert.Equal(SharedViewHandler.ScopeType, series.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_token_not_signed_here_or_malformed_is_refused_before_anything_is_read()
    {
        var (admin, _) = Handlers();
        var token = (await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\"}}")).GetProperty("token").GetString()!;
        var (_, elsewhere) = Handlers(key: "another-key-of-at-least-thirty-two-characters!!");
        var (_, disabled) = Handlers(key: null);

        var foreign = await CallAsync(r => elsewhere.ViewAsync(r, token, CancellationToken.None));
        var off = await CallAsync(r => disabled.ViewAsync(r, token, CancellationToken.None));
        var malformed = await CallAsync(r => elsewhere.ViewAsync(r, "not-a-token", CancellationToken.None));

        Assert.Equal(404, foreign.Status);
        Assert.Equal(SharedViewHandler.UnknownType, foreign.Json.GetProperty("type").GetString());
        Assert.Equal(404, off.Status);
        malformed.AssertProblem(400, "token");
    }

    [Fact]
    public async Task Reads_beyond_the_links_limit_this_minute_are_a_429_with_retry_after()
    {
        var (admin, shared) = Handlers(readsPerMinute: 10);
        var token = (await CreateAsync(admin, $"{{\"scope\":\"target\",\"target\":\"{Nas}\"}}")).GetProperty("token").GetString()!;

        var answers = new List<Answer>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add(await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None)));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await CallAsync(r => shared.ViewAsync(r, token, CancellationToken.None));

        Assert.All(answers.Take(10), a => Assert.Equal(200, a.Status));
        Assert.Equal(429, answers[10].Status);
        Assert.Equal(SharedViewHandler.BusyType, answers[10].Json.GetProperty("type").GetString());
        Assert.Equal("30", answers[10].Headers["Retry-After"]);
        Assert.Equal(200, nextMinute.Status);
    }

    [Theory]
    [InlineData("{\"scope\":\"everything\"}", "scope", 400)]
    [InlineData("{\"scope\":\"target\",\"target\":\"home-1~bm9uZQ\"}", "target", 404)]
    [InlineData("{\"scope\":\"target\",\"target\":\"nonsense\"}", "target", 400)]
    [InlineData("{\"scope\":\"target\",\"target\":\"home-1~Z3c\",\"expiresIn\":\"P31D\"}", "expiresIn", 400)]
    [InlineData("{\"scope\":\"target\",\"target\":\"home-1~Z3c\",\"expiresIn\":\"PT5M\"}", "expiresIn", 400)]
    [InlineData("{\"scope\":\"target\",\"target\":\"home-1~Z3c\",\"expiresIn\":\"7 days\"}", "expiresIn", 400)]
    [InlineData("{\"scope\":\"target\",\"target\":\"home-1~Z3c\",\"from\":\"2099-01-01T00:00:00Z\"}", "from", 400)]
    [InlineData("{\"scope\":\"pack\",\"probe\":\"home-1\",\"kind\":\"year\",\"period\":\"2026\"}", "kind", 400)]
    [InlineData("{\"scope\":\"pack\",\"probe\":\"home-1\",\"kind\":\"week\",\"period\":\"2026-03\"}", "period", 400)]
    [InlineData("{\"scope\":\"pack\",\"probe\":\"no probe\",\"kind\":\"week\",\"period\":\"2026-W09\"}", "probe", 400)]
    public async Task A_bad_request_is_a_problem_naming_the_field_and_no_link_is_made(string body, string field, int status)
    {
        var (admin, _) = Handlers();
        var before = (await rig.Services.GetRequiredService<ShareLinkStore>().ListAsync(CancellationToken.None)).Count;

        var answer = await CallAsync(r => admin.CreateAsync(r, CancellationToken.None), "POST", body, "Ana Admin");

        answer.AssertProblem(status, field);
        Assert.Equal(before, (await rig.Services.GetRequiredService<ShareLinkStore>().ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Without_the_link_key_no_link_is_made_and_the_problem_says_which_setting()
    {
        var (admin, _) = Handlers(key: null);

        var answer = await CallAsync(r => admin.CreateAsync(r, CancellationToken.None), "POST", $"{{\"scope\":\"target\",\"target\":\"{Nas}\"}}", "Ana Admin");

        Assert.Equal(409, answer.Status);
        Assert.Equal(ShareLinksHandler.DisabledType, answer.Json.GetProperty("type").GetString());
        Assert.Contains("NetPulse:Alerts:AcknowledgeKey", answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private (ShareLinksHandler Admin, SharedViewHandler Shared) Handlers(string? key = Key, int readsPerMinute = 120, ISharedPackSource? packs = null)
    {
        var services = rig.Services;
        var options = Options.Create(new ShareLinkOptions { ReadsPerMinute = readsPerMinute });
        var tokens = new ShareLinkTokens(Options.Create(new AcknowledgeLinkOptions { AcknowledgeKey = key }), _time);
        var store = services.GetRequiredService<ShareLinkStore>();
        var probes = services.GetRequiredService<ProbeStateStore>();
        return (
            new ShareLinksHandler(store, tokens, probes, options, _time, NullLogger<ShareLinksHandler>.Instance),
            new SharedViewHandler(store, tokens, new ShareReadLimiter(options, _time), services.GetRequiredService<TargetViews>(), rig.Targets, rig.Incidents,
                probes, packs ?? new NoPacks(), _time, NullLogger<SharedViewHandler>.Instance));
    }

    private static async Task<JsonElement> CreateAsync(ShareLinksHandler admin, string body)
    {
        var answer = await CallAsync(r => admin.CreateAsync(r, CancellationToken.None), "POST", body, "Ana Admin");
        Assert.True(answer.Status == 201, $"{answer.Status}: {answer.Text}");
        return answer.Json.Clone();
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<Answer> CallAsync(Func<HttpRequest, Task<IResult>> handler, string method = "GET", string? body = null, string? user = null, string query = "")
    {
        var http = new DefaultHttpContext { RequestServices = RequestServices };
        http.Request.Method = method;
        http.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = "application/json";
        }

        if (user is not null)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", user)], "Bearer"));
        }

        using var response = new MemoryStream();
        http.Response.Body = response;
        var result = await handler(http.Request);
        await result.ExecuteAsync(http);
        return new Answer(http.Response.StatusCode, http.Response.ContentType, response.ToArray(), http.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A pack source holding one pack, whose PDF is a line of text: enough to see the right pack reach the reader.</summary>
    private sealed class NoPacks : ISharedPackSource
    {
        public Task<SharedPackFile?> OpenAsync(string probeId, string kind, string period, string file, CancellationToken cancellationToken) =>
            Task.FromResult<SharedPackFile?>(null);
    }

    private sealed class OnePack(string probeId, string kind, string period) : ISharedPackSource
    {
        public Task<SharedPackFile?> OpenAsync(string probe, string k, string p, string file, CancellationToken cancellationToken) =>
            Task.FromResult(probe == probeId && k == kind && p == period && file == "pack.pdf"
                ? new SharedPackFile(new MemoryStream(Encoding.UTF8.GetBytes($"%PDF-1.7 {probe} {k} {p}")), "application/pdf", $"{probe}-{p}.pdf")
                : null);
    }
}
