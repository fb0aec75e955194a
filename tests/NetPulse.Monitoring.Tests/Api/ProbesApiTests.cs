using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>GET /api/probes, POST /api/probes and POST /api/probes/{id}/revoke against a real Azurite.</summary>
public sealed class ProbesApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_new_probe_is_registered_with_201_and_listed_with_its_key_id()
    {
        using var rig = new Rig(azurite.ConnectionString);
        using var probe = new TestProbe("lab-01");

        var created = await rig.RegisterAsync("lab-01", probe.PublicKeyBase64);
        var list = await rig.CallAsync(h => r => h.ListAsync(r, CancellationToken.None));

        Assert.Equal(201, created.Status);
        Assert.Equal(probe.KeyId, created.Json.GetProperty("keyId").GetString());
        var listed = Assert.Single(list.Json.GetProperty("probes").EnumerateArray());
        Assert.Equal("lab-01", listed.GetProperty("id").GetString());
        Assert.Equal(probe.KeyId, listed.GetProperty("keyId").GetString());
        Assert.Equal("2026-03-02T10:00:00Z", listed.GetProperty("registeredAt").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_pem_public_key_is_accepted_and_registering_the_same_key_again_changes_nothing()
    {
        using var rig = new Rig(azurite.ConnectionString);
        using var probe = new TestProbe("lab-01");

        var created = await rig.RegisterAsync("lab-01", probe.Key.ExportSubjectPublicKeyInfoPem());
        var again = await rig.RegisterAsync("lab-01", probe.PublicKeyBase64);

        Assert.Equal(201, created.Status);
        Assert.Equal(200, again.Status);
        Assert.Equal(probe.KeyId, again.Json.GetProperty("keyId").GetString());
    }

    [Theory]
    [InlineData("{\"id\":\"-lab\",\"publicKey\":\"x\"}", "id")]
    [InlineData("{\"id\":\"lab 01\",\"publicKey\":\"x\"}", "id")]
    [InlineData("{\"publicKey\":\"x\"}", "id")]
    [InlineData("{\"id\":\"lab-01\"}", "publicKey")]
    [InlineData("{\"id\":\"lab-01\",\"publicKey\":\"not base64!\"}", "publicKey")]
    [InlineData("{\"id\":\"lab-01\",\"publicKey\":\"AAAA\"}", "publicKey")]
    [InlineData("{\"id\":", "body")]
    public async Task A_bad_registration_is_a_400_naming_the_field(string body, string field)
    {
        using var rig = new Rig(azurite.ConnectionString);

        var answer = await rig.PostAsync(body);

        answer.AssertProblem(400, field);
        Assert.Empty(await rig.Registry.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_key_of_another_curve_is_refused()
    {
        using var rig = new Rig(azurite.ConnectionString);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);

        var answer = await rig.RegisterAsync("lab-01", Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo()));

        Assert.Contains("not an ECDSA P-256 public key", answer.AssertProblem(400, "publicKey"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_key_for_an_active_probe_is_a_409_unless_replace_is_asked()
    {
        using var rig = new Rig(azurite.ConnectionString);
        using var first = new TestProbe("lab-01");
        using var second = new TestProbe("lab-01");
        await rig.RegisterAsync("lab-01", first.PublicKeyBase64);

        var conflict = await rig.RegisterAsync("lab-01", second.PublicKeyBase64);
        var replaced = await rig.RegisterAsync("lab-01", second.PublicKeyBase64, "?replace=true");

        Assert.Equal(409, conflict.Status);
        Assert.Equal("urn:netpulse:problem:probe-key-conflict", conflict.Json.GetProperty("type").GetString());
        Assert.Contains("?replace=true", conflict.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(201, replaced.Status);
        Assert.Equal(second.KeyId, (await rig.Registry.GetAsync("lab-01", CancellationToken.None))!.KeyId);
    }

    [Fact]
    public async Task Revoke_answers_200_keeps_its_first_time_and_a_revoked_key_never_comes_back()
    {
        using var rig = new Rig(azurite.ConnectionString);
        using var probe = new TestProbe("lab-01");
        using var fresh = new TestProbe("lab-01");
        await rig.RegisterAsync("lab-01", probe.PublicKeyBase64);

        var revoked = await rig.CallAsync(h => r => h.RevokeAsync(r, "lab-01", CancellationToken.None), "POST");
        rig.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await rig.CallAsync(h => r => h.RevokeAsync(r, "lab-01", CancellationToken.None), "POST");
        var sameKey = await rig.RegisterAsync("lab-01", probe.PublicKeyBase64);
        var newKey = await rig.RegisterAsync("lab-01", fresh.PublicKeyBase64);
        var unknown = await rig.CallAsync(h => r => h.RevokeAsync(r, "nobody", CancellationToken.None), "POST");

        Assert.Equal(200, revoked.Status);
        Assert.Equal("2026-03-02T10:00:00Z", again.Json.GetProperty("revokedAt").GetString());
        Assert.Equal(409, sameKey.Status);
        Assert.Equal("urn:netpulse:problem:probe-key-revoked", sameKey.Json.GetProperty("type").GetString());
        Assert.Equal(201, newKey.Status);
        Assert.Equal(JsonValueKind.Null, newKey.Json.GetProperty("revokedAt").ValueKind);
        unknown.AssertProblem(404, "id");
    }

    [Fact]
    public async Task Past_max_probes_a_new_probe_is_a_409_while_a_revoked_slot_frees_room()
    {
        using var rig = new Rig(azurite.ConnectionString, maxProbes: 2);
        using var a = new TestProbe("a");
        using var b = new TestProbe("b");
        using var c = new TestProbe("c");
        await rig.RegisterAsync("a", a.PublicKeyBase64);
        await rig.RegisterAsync("b", b.PublicKeyBase64);

        var full = await rig.RegisterAsync("c", c.PublicKeyBase64);
        await rig.Registry.RevokeAsync("a", CancellationToken.None);
        var afterRevoke = await rig.RegisterAsync("c", c.PublicKeyBase64);

        Assert.Equal(409, full.Status);
        Assert.Equal("urn:netpulse:problem:probe-limit", full.Json.GetProperty("type").GetString());
        Assert.Contains("NetPulse:Probes:MaxProbes", full.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(201, afterRevoke.Status);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    public void A_max_probes_out_of_range_fails_at_start_naming_the_setting(string value)
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
        {
            using var rig = new Rig(azurite.ConnectionString, maxProbes: int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            _ = rig.Registry;
        });

        Assert.Contains("NetPulse:Probes:MaxProbes", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The caches that make another instance's change late are bounded: a longer one fails at start naming the setting and why.</summary>
    [Theory]
    [InlineData("KeyCacheDuration", "00:16:00", "a revoke waits this long")]
    [InlineData("KeyCacheDuration", "-00:00:01", "a revoke waits this long")]
    [InlineData("UnknownProbeCacheDuration", "00:06:00", "a registration made on another instance waits this long")]
    [InlineData("TargetListCacheDuration", "00:20:00", "a change made on another instance waits this long")]
    public void A_cache_duration_out_of_range_fails_at_start_naming_the_setting(string setting, string value, string why)
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
        {
            using var rig = new Rig(azurite.ConnectionString, settings: new() { ["NetPulse:Probes:" + setting] = value });
            _ = rig.Registry;
        });

        Assert.Contains($"NetPulse:Probes:{setting} is {TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The storage and API layers over fresh tables of this test's own, a fake clock.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly ServiceProvider _services;

        public Rig(string connectionString, int maxProbes = 50, Dictionary<string, string?>? settings = null)
        {
            var prefix = "pr" + Guid.NewGuid().ToString("N")[..12];
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = connectionString,
                    ["NetPulse:Storage:TablePrefix"] = prefix,
                    ["NetPulse:Probes:MaxProbes"] = maxProbes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                })
                .AddInMemoryCollection(settings ?? [])
                .Build();
            _services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddSingleton<TimeProvider>(Time)
                .AddSingleton(new TableServiceClient(connectionString))
                .AddNetPulseStorage(configuration)
                .AddNetPulseIncidents(configuration)
                .AddNetPulseApi(configuration)
                .BuildServiceProvider();

            // What ValidateOnStart does in a host.
            _ = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProbesOptions>>().Value;
        }

        public FakeTimeProvider Time { get; } = new(Now);

        public ProbeRegistry Registry => _services.GetRequiredService<ProbeRegistry>();

        private ProbesHandler Handler => _services.GetRequiredService<ProbesHandler>();

        public Task<Answer> RegisterAsync(string id, string publicKey, string query = "") =>
            PostAsync(JsonSerializer.Serialize(new { id, publicKey }), query);

        public Task<Answer> PostAsync(string body, string query = "") =>
            CallAsync(h => r => h.RegisterAsync(r, CancellationToken.None), "POST", query, body);

        public async Task<Answer> CallAsync(Func<ProbesHandler, Func<HttpRequest, Task<IResult>>> handler, string method = "GET", string query = "", string? body = null)
        {
            var http = new DefaultHttpContext();
            http.Request.Method = method;
            http.Request.QueryString = new QueryString(query);
            if (body is not null)
            {
                http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
                http.Request.ContentType = "application/json";
            }

            using var response = new MemoryStream();
            http.Response.Body = response;
            var result = await handler(Handler)(http.Request);
            await result.ExecuteAsync(http);
            return new Answer(http.Response.StatusCode, http.Response.ContentType, response.ToArray(), new Dictionary<string, string>());
        }

        public void Dispose() => _services.Dispose();
    }
}
