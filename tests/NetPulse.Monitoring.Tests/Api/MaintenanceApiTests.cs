using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>The maintenance and acknowledgement routes' handlers against Azurite, and the signed acknowledge link.</summary>
public sealed class MaintenanceApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private const string Key = "a-test-key-of-at-least-thirty-two-characters";

    [Theory]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"cron\":\"61 2 * * SUN\",\"timeZone\":\"Europe/Berlin\",\"durationMinutes\":120}", "cron")]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"cron\":\"30 2 * * SUN\",\"timeZone\":\"Mars/Olympus\",\"durationMinutes\":120}", "timeZone")]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"start\":\"2026-03-02T11:00:00Z\",\"end\":\"2026-03-02T10:00:00Z\"}", "end")]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"cron\":\"30 2 * * SUN\",\"timeZone\":\"UTC\",\"durationMinutes\":0}", "durationMinutes")]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"cron\":\"30 2 * * SUN\",\"timeZone\":\"UTC\",\"durationMinutes\":30000}", "durationMinutes")]
    [InlineData("{\"scope\":{},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}", "scope")]
    [InlineData("{\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}", "scope")]
    [InlineData("{\"scope\":{\"all\":true},\"start\":\"not a time\"}", "start")]
    [InlineData("{\"scope\":", "scope")]
    [InlineData("not json", "body")]
    [InlineData("{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\\u202Eexe\"},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}", "scope")]
    [InlineData("{\"scope\":{\"probeId\":\"home\\r\\n1\"},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}", "scope")]
    [InlineData("{\"scope\":{\"category\":\"ser\\u200Bvers\"},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}", "scope")]
    [InlineData("{\"scope\":{\"all\":true},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\",\"reason\":\"firmware\\u2028update\"}", "reason")]
    public async Task A_bad_window_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        var handler = Maintenance(rig);

        var answer = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST", body);

        answer.AssertProblem(400, field);
        Assert.Empty(await rig.Get<MaintenanceStore>().ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_one_hour_mute_is_created_by_the_caller_listed_as_active_and_deleted()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        var handler = Maintenance(rig);
        var body = "{\"scope\":{\"probeId\":\"home-1\",\"targetName\":\"gw\"},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\",\"reason\":\"Muted from the dashboard\"}";

        var created = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST", body, user: "Ana Admin");
        var listed = await CallAsync(rig, r => handler.ListAsync(r, CancellationToken.None));
        var id = created.Json.GetProperty("id").GetString()!;
        var deleted = await CallAsync(rig, r => handler.DeleteAsync(r, id, CancellationToken.None), "DELETE");
        var again = await CallAsync(rig, r => handler.DeleteAsync(r, id, CancellationToken.None), "DELETE");

        Assert.Equal(201, created.Status);
        Assert.Equal("Ana Admin", created.Json.GetProperty("createdBy").GetString());
        var window = Assert.Single(listed.Json.GetProperty("windows").EnumerateArray());
        Assert.Equal("gw", window.GetProperty("scope").GetProperty("targetName").GetString());
        Assert.Equal("2026-03-02T11:00:00Z", window.GetProperty("activeUntil").GetString());
        Assert.Equal(204, deleted.Status);
        again.AssertProblem(404, "id");
    }

    [Fact]
    public async Task A_window_past_MaxWindows_is_a_409_naming_the_setting_and_is_not_stored()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now, new Dictionary<string, string?> { ["NetPulse:Maintenance:MaxWindows"] = "2" });
        var handler = Maintenance(rig);
        const string body = "{\"scope\":{\"all\":true},\"start\":\"2026-03-02T10:00:00Z\",\"end\":\"2026-03-02T11:00:00Z\"}";

        var first = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST", body);
        var second = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST", body);
        var third = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST", body);

        Assert.Equal([201, 201], [first.Status, second.Status]);
        Assert.Equal(409, third.Status);
        Assert.StartsWith("application/problem+json", third.ContentType, StringComparison.Ordinal);
        Assert.Contains("NetPulse:Maintenance:MaxWindows", third.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await rig.Get<MaintenanceStore>().ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_recurring_window_shows_its_next_start_and_local_sign_in_records_local()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        var handler = Maintenance(rig);

        var created = await CallAsync(rig, r => handler.CreateAsync(r, CancellationToken.None), "POST",
            "{\"scope\":{\"category\":\"servers\"},\"cron\":\"30 2 * * SUN\",\"timeZone\":\"Europe/Berlin\",\"durationMinutes\":120}");

        Assert.Equal(201, created.Status);
        Assert.Equal("local", created.Json.GetProperty("createdBy").GetString());
        Assert.Equal("2026-03-08T01:30:00Z", created.Json.GetProperty("nextStart").GetString());
        Assert.Equal(JsonValueKind.Null, created.Json.GetProperty("activeUntil").ValueKind);
    }

    [Fact]
    public async Task An_acknowledgement_records_who_and_shows_in_the_incident_list()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        await OutageAsync(rig);
        var incident = Assert.Single(await rig.Incidents.GetIncidentsAsync(Now, Now.AddHours(1)));
        var acknowledge = Acknowledge(rig);
        var incidents = new IncidentsHandler(rig.Incidents, rig.Get<NetPulse.Monitoring.Storage.ProbeStateStore>(), rig.Time, rig.Get<IncidentAcknowledgementStore>());

        var acked = await CallAsync(rig, r => acknowledge.AcknowledgeAsync(r, incident.Id, CancellationToken.None), "POST", "{\"note\":\"ISP called\"}", user: "Ana Admin");
        var unknown = await CallAsync(rig, r => acknowledge.AcknowledgeAsync(r, "20260302T100000-D-0000000000000000", CancellationToken.None), "POST");
        var list = await CallAsync(rig, r => incidents.ListAsync(r, CancellationToken.None), query: "?from=2026-03-02T09:00:00Z&to=2026-03-02T11:00:00Z");

        Assert.Equal(200, acked.Status);
        unknown.AssertProblem(404, "id");
        var shown = Assert.Single(list.Json.GetProperty("incidents").EnumerateArray()).GetProperty("acknowledgement");
        Assert.Equal("Ana Admin", shown.GetProperty("by").GetString());
        Assert.Equal("ISP called", shown.GetProperty("note").GetString());
        Assert.Equal(rig.Time.GetUtcNow(), shown.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_note_with_a_hidden_character_is_a_400_naming_the_note_and_records_nothing()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        var incidentId = IncidentIds.Create("home-1", "gw", IncidentType.Down, Now);
        var acknowledge = Acknowledge(rig);

        var refused = await CallAsync(rig, r => acknowledge.AcknowledgeAsync(r, incidentId, CancellationToken.None), "POST", "{\"note\":\"called \\u202EPSI\"}", user: "Ana Admin");

        refused.AssertProblem(400, "note");
        Assert.Contains("U+202E", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await rig.Get<IIncidentAcknowledgements>().GetAsync("home-1", incidentId, CancellationToken.None));
    }

    [Fact]
    public async Task A_signed_link_shows_a_button_on_get_and_acknowledges_by_link_on_post()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now, Settings());
        var incidentId = IncidentIds.Create("home-1", "gw", IncidentType.Down, Now);
        var link = rig.Get<AcknowledgeLinks>().Create("home-1", incidentId)!;
        var handler = Acknowledge(rig);

        var page = await CallAsync(rig, r => handler.ConfirmPageAsync(r, CancellationToken.None), query: link.Query);
        var before = await rig.Get<IIncidentAcknowledgements>().GetAsync("home-1", incidentId, CancellationToken.None);
        var done = await CallAsync(rig, r => handler.AcknowledgeByLinkAsync(r, CancellationToken.None), "POST", query: link.Query);
        var after = await rig.Get<IIncidentAcknowledgements>().GetAsync("home-1", incidentId, CancellationToken.None);

        Assert.StartsWith("https://netpulse.example.org/api/ack?probe=home-1&incident=", link.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, page.Status);
        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Contains("<form method=\"post\"", page.Text, StringComparison.Ordinal);
        Assert.Null(before);
        Assert.Equal(200, done.Status);
        Assert.Contains("acknowledged", done.Text, StringComparison.Ordinal);
        Assert.Equal("link", after?.By);
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("another incident")]
    [InlineData("expired")]
    [InlineData("incomplete")]
    [InlineData("no key")]
    public async Task A_bad_link_is_a_403_problem_and_records_nothing(string kind)
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now, Settings());
        var incidentId = IncidentIds.Create("home-1", "gw", IncidentType.Down, Now);
        var query = rig.Get<AcknowledgeLinks>().Create("home-1", incidentId)!.Query;
        var signature = query[(query.IndexOf("&sig=", StringComparison.Ordinal) + 5)..];
        switch (kind)
        {
            case "tampered":
                query = query.Replace("&sig=" + signature, "&sig=" + (signature[0] == 'A' ? 'B' : 'A') + signature[1..], StringComparison.Ordinal);
                break;
            case "another incident":
                query = query.Replace(incidentId, IncidentIds.Create("home-1", "nas", IncidentType.Down, Now), StringComparison.Ordinal);
                break;
            case "expired":
                rig.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
                break;
            case "incomplete":
                query = query.Replace("&sig=" + signature, "", StringComparison.Ordinal);
                break;
            default:
                break;
        }

        var links = kind == "no key" ? new AcknowledgeLinks(Options.Create(new AcknowledgeLinkOptions()), rig.Time) : rig.Get<AcknowledgeLinks>();
        var handler = kind == "no key"
            ? new AcknowledgeHandler(rig.Get<IncidentAcknowledgementStore>(), rig.Get<IncidentStore>(), links, rig.Time)
            : Acknowledge(rig);

        var page = await CallAsync(rig, r => handler.ConfirmPageAsync(r, CancellationToken.None), query: query);
        var post = await CallAsync(rig, r => handler.AcknowledgeByLinkAsync(r, CancellationToken.None), "POST", query: query);

        Assert.All([page, post], answer =>
        {
            Assert.Equal(403, answer.Status);
            Assert.Equal("application/problem+json; charset=utf-8", answer.ContentType);
            Assert.Equal("urn:netpulse:problem:acknowledge-link-refused", answer.Json.GetProperty("type").GetString());
            Assert.Equal("sig", answer.Json.GetProperty("parameter").GetString());
        });
        Assert.Null(await rig.Get<IIncidentAcknowledgements>().GetAsync("home-1", incidentId, CancellationToken.None));
    }

    [Fact]
    public void No_link_is_made_without_a_key_or_a_public_address()
    {
        var time = new FakeTimeProvider(Now);

        Assert.Null(new AcknowledgeLinks(Options.Create(new AcknowledgeLinkOptions { PublicApiBaseUrl = "https://x.example.org/api" }), time).Create("p", "i"));
        Assert.Null(new AcknowledgeLinks(Options.Create(new AcknowledgeLinkOptions { AcknowledgeKey = Key }), time).Create("p", "i"));
    }

    private static readonly ServiceProvider RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();

    private static MaintenanceHandler Maintenance(IngestionRig rig) =>
        new(rig.Get<MaintenanceStore>(), rig.Get<IncidentMaintenanceMarks>(), rig.Time);

    private static AcknowledgeHandler Acknowledge(IngestionRig rig) =>
        new(rig.Get<IncidentAcknowledgementStore>(), rig.Get<IncidentStore>(), rig.Get<AcknowledgeLinks>(), rig.Time);

    private static Dictionary<string, string?> Settings() => new()
    {
        ["NetPulse:Alerts:AcknowledgeKey"] = Key,
        ["NetPulse:Alerts:PublicApiBaseUrl"] = "https://netpulse.example.org/api/",
    };

    private static async Task OutageAsync(IngestionRig rig)
    {
        var batches = new Scenario("home-1", Now)
            .Target("gw", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s))
            .Batches(24);
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
        }
    }

    private static async Task<Answer> CallAsync(
        IngestionRig rig, Func<HttpRequest, Task<IResult>> handler, string method = "GET", string? body = null, string? user = null, string query = "")
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
            // What ApiGate leaves on the context for a token it admitted.
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", user)], "Bearer"));
        }

        using var response = new MemoryStream();
        http.Response.Body = response;
        var result = await handler(http.Request);
        await result.ExecuteAsync(http);
        return new Answer(http.Response.StatusCode, http.Response.ContentType, response.ToArray(), new Dictionary<string, string>());
    }
}
