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
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>The managed targets' routes (ManagedTargetsHandler) against a real Azurite: every test has tables of its own.</summary>
public sealed partial class ManagedTargetsApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Hostile = "<img src=x onerror=alert(1)> lab";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_target_is_created_listed_updated_disabled_and_deleted_and_each_change_moves_the_version()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);

        var before = await rig.ListAsync();
        var created = await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000,"uplink":true}""");
        var listed = await rig.ListAsync();
        var target = Assert.Single(listed.Json.GetProperty("targets").EnumerateArray());
        var disabled = await rig.UpdateAsync(target.GetProperty("id").GetString()!, target.GetProperty("etag").GetString(),
            """{"name":"gateway","host":"192.168.1.1","intervalMs":1000,"uplink":true,"enabled":false,"timeoutMs":800}""");
        var afterUpdate = await rig.ListAsync();
        var deleted = await rig.CallAsync((h, r) => h.DeleteAsync(r, "lab-01", target.GetProperty("id").GetString(), CancellationToken.None), "DELETE");
        var afterDelete = await rig.ListAsync();

        Assert.False(before.Json.GetProperty("managed").GetBoolean());
        Assert.Equal(201, created.Status);
        Assert.Equal(TargetIds.Format("lab-01", "gateway"), created.Json.GetProperty("id").GetString());
        Assert.Equal(created.Headers["ETag"], created.Json.GetProperty("etag").GetString());
        Assert.True(listed.Json.GetProperty("managed").GetBoolean());
        Assert.Equal(200, disabled.Status);
        Assert.False(disabled.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal(800, disabled.Json.GetProperty("timeoutMs").GetInt32());
        Assert.NotEqual(target.GetProperty("etag").GetString(), disabled.Json.GetProperty("etag").GetString());
        Assert.Equal(204, deleted.Status);
        Assert.Empty(afterDelete.Json.GetProperty("targets").EnumerateArray());
        var versions = new[] { listed, afterUpdate, afterDelete }.Select(a => a.Json.GetProperty("version").GetString()).ToList();
        Assert.Equal(3, versions.Distinct().Count());
    }

    [Theory]
    [InlineData("""{"name":"","host":"192.168.1.1","intervalMs":1000}""", "name")]
    [InlineData("""{"name":" padded","host":"192.168.1.1","intervalMs":1000}""", "name")]
    [InlineData("""{"name":"evil\u202Eexe.txt","host":"192.168.1.1","intervalMs":1000}""", "name")]
    [InlineData("""{"name":"gw","host":"not a host!","intervalMs":1000}""", "host")]
    [InlineData("""{"name":"gw","host":"1.2","intervalMs":1000}""", "host")]
    [InlineData("""{"name":"gw","intervalMs":1000}""", "host")]
    [InlineData("""{"name":"gw","host":"192.168.1.1"}""", "intervalMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":999}""", "intervalMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":"often"}""", "intervalMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"timeoutMs":0}""", "timeoutMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"timeoutMs":2000}""", "timeoutMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"latencyThresholdMs":0}""", "latencyThresholdMs")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"lossThresholdPercent":101}""", "lossThresholdPercent")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"description":"a\nb"}""", "description")]
    [InlineData("""{"name":"gw","host":"192.168.1.1","intervalMs":1000,"category":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "category")]
    [InlineData("""{"name":"gw",""", "body")]
    public async Task Every_validation_error_is_a_400_naming_the_field_and_nothing_is_written(string body, string field)
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);

        var answer = await rig.CreateAsync(body);

        answer.AssertProblem(400, field);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out var problems), answer.Text);
        Assert.NotEmpty(problems.EnumerateArray());
        Assert.Null(await rig.Store.GetAsync("lab-01", CancellationToken.None));
    }

    [Fact]
    public async Task A_second_uplink_is_a_400_on_uplink_and_a_name_taken_ignoring_case_is_a_409()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000,"uplink":true}""");

        var uplink = await rig.CreateAsync("""{"name":"isp","host":"10.0.0.1","intervalMs":1000,"uplink":true}""");
        var taken = await rig.CreateAsync("""{"name":"GATEWAY","host":"10.0.0.2","intervalMs":1000}""");
        var disabledUplink = await rig.CreateAsync("""{"name":"isp","host":"10.0.0.1","intervalMs":1000,"uplink":true,"enabled":false}""");

        Assert.Contains("uplink", uplink.AssertProblem(400, "uplink"), StringComparison.Ordinal);
        Assert.Equal(409, taken.Status);
        Assert.Equal("urn:netpulse:problem:target-name-taken", taken.Json.GetProperty("type").GetString());
        Assert.Equal(201, disabledUplink.Status);
    }

    [Fact]
    public async Task A_stale_etag_is_a_412_a_missing_if_match_a_428_and_nothing_changes()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        var created = await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");
        var id = created.Json.GetProperty("id").GetString()!;
        var firstEtag = created.Json.GetProperty("etag").GetString();
        var changed = await rig.UpdateAsync(id, firstEtag, """{"name":"gateway","host":"192.168.1.2","intervalMs":1000}""");

        var stale = await rig.UpdateAsync(id, firstEtag, """{"name":"gateway","host":"192.168.1.3","intervalMs":1000}""");
        var missing = await rig.UpdateAsync(id, null, """{"name":"gateway","host":"192.168.1.3","intervalMs":1000}""");
        var staleDelete = await rig.CallAsync((h, r) => h.DeleteAsync(r, "lab-01", id, CancellationToken.None), "DELETE", headers: new() { ["If-Match"] = firstEtag! });

        Assert.Equal(200, changed.Status);
        Assert.Equal(412, stale.Status);
        Assert.Equal("urn:netpulse:problem:stale-target", stale.Json.GetProperty("type").GetString());
        Assert.Equal(428, missing.Status);
        Assert.Equal("If-Match", missing.Json.GetProperty("parameter").GetString());
        Assert.Equal(412, staleDelete.Status);
        var stored = Assert.Single((await rig.Store.GetAsync("lab-01", CancellationToken.None))!.Targets);
        Assert.Equal("192.168.1.2", stored.Target.Host);
    }

    [Fact]
    public async Task A_rename_changes_the_id_and_an_unknown_probe_or_target_is_a_404()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        var created = await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");

        var renamed = await rig.UpdateAsync(created.Json.GetProperty("id").GetString()!, created.Json.GetProperty("etag").GetString(),
            $$"""{"name":{{JsonSerializer.Serialize(Hostile)}},"host":"192.168.1.1","intervalMs":1000}""");
        var oldId = await rig.UpdateAsync(created.Json.GetProperty("id").GetString()!, "*", """{"name":"x","host":"192.168.1.1","intervalMs":1000}""");
        var unknownProbe = await rig.CallAsync((h, r) => h.ListAsync(r, "nobody", CancellationToken.None));
        var otherProbesId = await rig.UpdateAsync(TargetIds.Format("lab-02", "gateway"), "*", """{"name":"x","host":"192.168.1.1","intervalMs":1000}""");

        Assert.Equal(200, renamed.Status);
        Assert.Equal(TargetIds.Format("lab-01", Hostile), renamed.Json.GetProperty("id").GetString());
        Assert.Equal(Hostile, renamed.Json.GetProperty("name").GetString());
        oldId.AssertProblem(404, "targetId");
        unknownProbe.AssertProblem(404, "probe");
        otherProbesId.AssertProblem(400, "targetId");
    }

    [Fact]
    public async Task The_probe_fetches_its_list_signed_with_etag_and_date_and_gets_304_until_it_changes()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        var none = await rig.ProbeGetAsync(rig.Probe);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");

        var first = await rig.ProbeGetAsync(rig.Probe);
        var etag = first.Headers["ETag"];
        var unchanged = await rig.ProbeGetAsync(rig.Probe, etag);
        await rig.CreateAsync("""{"name":"dns","host":"192.168.1.53","intervalMs":5000}""");
        var changed = await rig.ProbeGetAsync(rig.Probe, etag);

        Assert.Equal(404, none.Status);
        Assert.Equal("urn:netpulse:problem:no-managed-targets", none.Json.GetProperty("type").GetString());
        Assert.Equal(200, first.Status);
        var list = ManagedTargetList.FromJson(first.Body);
        Assert.Equal("\"" + list.Version + "\"", etag);
        Assert.Equal("gateway", Assert.Single(list.Targets).Name);
        Assert.Equal(Now.ToString("R", System.Globalization.CultureInfo.InvariantCulture), first.Headers["Date"]);
        Assert.Equal(304, unchanged.Status);
        Assert.Empty(unchanged.Body);
        Assert.Equal(etag, unchanged.Headers["ETag"]);
        Assert.Equal(200, changed.Status);
        Assert.NotEqual(etag, changed.Headers["ETag"]);
        Assert.Equal(2, ManagedTargetList.FromJson(changed.Body).Targets.Count);
    }

    [Fact]
    public async Task The_probe_route_refuses_an_unsigned_request_another_key_another_probe_an_old_signature_and_a_revoked_key()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");
        using var impostor = new TestProbe("lab-01");
        using var other = new TestProbe("lab-02");
        await other.RegisterAsync(rig.Tables, rig.Prefix);

        var unsigned = await rig.CallAsync((h, r) => h.ProbeListAsync(r, "lab-01", CancellationToken.None), path: Rig.ListPath);
        var wrongKey = await rig.ProbeGetAsync(impostor);
        var otherProbe = await rig.CallAsync((h, r) => h.ProbeListAsync(r, "lab-01", CancellationToken.None), path: Rig.ListPath,
            headers: new() { ["Authorization"] = ProbeRequestSignature.Sign("GET", Rig.ListPath, Now, "lab-02", other.Key) });
        var old = await rig.CallAsync((h, r) => h.ProbeListAsync(r, "lab-01", CancellationToken.None), path: Rig.ListPath,
            headers: new() { ["Authorization"] = ProbeRequestSignature.Sign("GET", Rig.ListPath, Now.AddMinutes(-6), "lab-01", rig.Probe.Key) });
        var otherPath = await rig.CallAsync((h, r) => h.ProbeListAsync(r, "lab-01", CancellationToken.None), path: Rig.ListPath,
            headers: new() { ["Authorization"] = ProbeRequestSignature.Sign("GET", "/api/probes/lab-01/targets", Now, "lab-01", rig.Probe.Key) });
        await rig.Services.GetRequiredService<ProbeRegistry>().RevokeAsync("lab-01", CancellationToken.None);
        var revoked = await rig.ProbeGetAsync(rig.Probe);

        foreach (var refused in new[] { unsigned, wrongKey, otherProbe, old, otherPath, revoked })
        {
            Assert.Equal(401, refused.Status);
            Assert.Equal("urn:netpulse:problem:probe-signature", refused.Json.GetProperty("type").GetString());
            Assert.StartsWith("NPR1", refused.Headers["WWW-Authenticate"], StringComparison.Ordinal);
        }

        Assert.Contains("not the key registered", wrongKey.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("revoked", revoked.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unchanged_fetch_reads_no_table_and_a_change_through_this_instance_is_served_at_once()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");
        var etag = (await rig.ProbeGetAsync(rig.Probe)).Headers["ETag"];

        rig.Counter.Reset();
        var quiet = new List<Answer>();
        for (var minute = 0; minute < 4; minute++)
        {
            rig.Time.Advance(TimeSpan.FromMinutes(1));
            quiet.Add(await rig.ProbeGetAsync(rig.Probe, etag));
        }

        var quietReads = rig.Counter.TableReads;
        await rig.CreateAsync("""{"name":"dns","host":"192.168.1.53","intervalMs":5000}""");
        var changed = await rig.ProbeGetAsync(rig.Probe, etag);

        Assert.All(quiet, a => Assert.Equal(304, a.Status));
        Assert.Equal(0, quietReads);
        Assert.Equal(200, changed.Status);
        Assert.Equal(2, ManagedTargetList.FromJson(changed.Body).Targets.Count);
    }

    [Fact]
    public async Task A_change_through_another_instance_is_served_here_once_the_version_cache_expires()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await using var other = await Rig.StartAsync(azurite.ConnectionString, rig.Prefix);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");
        var etag = (await rig.ProbeGetAsync(rig.Probe)).Headers["ETag"];

        await other.CreateAsync("""{"name":"dns","host":"192.168.1.53","intervalMs":5000}""");
        var newEtag = (await other.ProbeGetAsync(rig.Probe, etag)).Headers["ETag"];

        // This instance still answers from the version it read (TargetListCacheDuration, 5 min)…
        rig.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var stale = await rig.ProbeGetAsync(rig.Probe, etag);
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        var fresh = await rig.ProbeGetAsync(rig.Probe, etag);

        // … and a probe that has a newer version already (from the other instance) is not sent the list again.
        await other.CreateAsync("""{"name":"nas","host":"192.168.1.20","intervalMs":5000}""");
        var newest = (await other.ProbeGetAsync(rig.Probe, newEtag)).Headers["ETag"];
        var alreadyNewest = await rig.ProbeGetAsync(rig.Probe, newest);

        Assert.NotEqual(etag, newEtag);
        Assert.Equal(304, stale.Status);
        Assert.Equal(200, fresh.Status);
        Assert.Equal(newEtag, fresh.Headers["ETag"]);
        Assert.NotEqual(newEtag, newest);
        Assert.Equal(304, alreadyNewest.Status);
        Assert.Equal(newest, alreadyNewest.Headers["ETag"]);
    }

    [Fact]
    public async Task A_revoke_through_another_instance_refuses_the_fetch_here_once_the_key_cache_expires()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await using var other = await Rig.StartAsync(azurite.ConnectionString, rig.Prefix);
        await rig.CreateAsync("""{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""");
        var etag = (await rig.ProbeGetAsync(rig.Probe)).Headers["ETag"];

        await other.Services.GetRequiredService<ProbeRegistry>().RevokeAsync("lab-01", CancellationToken.None);
        var atOther = await other.ProbeGetAsync(rig.Probe, etag);
        rig.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var trusted = await rig.ProbeGetAsync(rig.Probe, etag);
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        var refused = await rig.ProbeGetAsync(rig.Probe, etag);

        Assert.Equal(401, atOther.Status);
        Assert.Equal(304, trusted.Status);
        Assert.Equal(401, refused.Status);
        Assert.Contains("revoked", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_through_this_instance_is_served_at_once_to_a_probe_that_had_no_managed_list()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        var none = await rig.ProbeGetAsync(rig.Probe);

        var imported = await rig.ImportAsync("""[{"name":"gateway","host":"192.168.1.1","intervalMs":1000}]""", "application/json", "?mode=replace");
        var first = await rig.ProbeGetAsync(rig.Probe);

        Assert.Equal(404, none.Status);
        Assert.Equal(200, imported.Status);
        Assert.Equal(200, first.Status);
        Assert.Equal("gateway", Assert.Single(ManagedTargetList.FromJson(first.Body).Targets).Name);
    }

    [Fact]
    public async Task An_import_with_bad_rows_reports_each_with_its_line_and_writes_nothing()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync("""{"name":"keep","host":"192.168.1.1","intervalMs":1000}""");
        var version = await rig.Store.VersionAsync("lab-01", CancellationToken.None);
        const string csv = "name,host,intervalMs,uplink\r\n"
            + "ok,10.0.0.1,1000,false\r\n"
            + "\"multi\nline\",10.0.0.2,1000,\r\n"
            + "bad-host,no host,1000,\r\n"
            + "slow,10.0.0.4,often,\r\n"
            + "OK,10.0.0.5,1000,maybe\r\n"
            + "Ok,10.0.0.6,1000,\r\n";

        var answer = await rig.ImportAsync(csv, "text/csv", "?mode=replace");

        Assert.Equal(400, answer.Status);
        Assert.Equal("urn:netpulse:problem:invalid-targets", answer.Json.GetProperty("type").GetString());
        var rows = answer.Json.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Contains((3, "name"), rows);
        Assert.Contains((5, "host"), rows);
        Assert.Contains((6, "intervalMs"), rows);
        Assert.Contains((7, "uplink"), rows);
        Assert.Contains((8, "name"), rows);
        Assert.Equal(version, await rig.Store.VersionAsync("lab-01", CancellationToken.None));
        Assert.Equal("keep", Assert.Single((await rig.Store.GetAsync("lab-01", CancellationToken.None))!.Targets).Target.Name);
    }

    [Fact]
    public async Task An_import_merges_or_replaces_and_counts_what_changed_beyond_one_transaction()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync("""{"name":"keep","host":"192.168.1.1","intervalMs":1000}""");
        await rig.CreateAsync("""{"name":"change","host":"192.168.1.2","intervalMs":1000}""");
        var many = Enumerable.Range(0, 250).Select(i => new { name = $"host-{i:D3}", host = $"10.0.{i / 200}.{i % 200 + 1}", intervalMs = 5000 });
        var merge = JsonSerializer.Serialize(new object[] { new { name = "CHANGE", host = "192.168.1.22", intervalMs = 1000 }, new { name = "keep", host = "192.168.1.1", intervalMs = 1000 } }
            .Concat(many));

        var merged = await rig.ImportAsync(merge, "application/json", "?mode=merge");
        var replaced = await rig.ImportAsync("""{"probeId":"elsewhere","targets":[{"name":"only","host":"10.9.9.9","intervalMs":1000}]}""", "application/json", "?mode=replace");
        var again = await rig.ImportAsync("""[{"name":"only","host":"10.9.9.9","intervalMs":1000}]""", "application/json", "?mode=replace");

        Assert.Equal(200, merged.Status);
        Assert.Equal((250, 1, 0, 1), Counts(merged));
        Assert.Equal(252, merged.Json.GetProperty("targets").GetInt32());
        Assert.Equal(200, replaced.Status);
        Assert.Equal((1, 0, 252, 0), Counts(replaced));
        Assert.Equal((0, 0, 0, 1), Counts(again));
        Assert.Equal(replaced.Json.GetProperty("version").GetString(), again.Json.GetProperty("version").GetString());
        Assert.Equal("only", Assert.Single((await rig.Store.GetAsync("lab-01", CancellationToken.None))!.Targets).Target.Name);

        // The old generations are gone: one list row and one target row are left.
        var rows = rig.Tables.GetTableClient(rig.Prefix + "managedtargets").QueryAsync<TableEntity>($"PartitionKey eq 'lab-01'");
        Assert.Equal(2, await rows.CountAsync());

        static (int, int, int, int) Counts(Answer a) => (a.Json.GetProperty("added").GetInt32(), a.Json.GetProperty("changed").GetInt32(),
            a.Json.GetProperty("removed").GetInt32(), a.Json.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task A_csv_export_neutralises_formulas_and_imports_back_to_the_same_targets()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync($$"""{"name":{{JsonSerializer.Serialize(Hostile)}},"host":"192.168.1.1","intervalMs":1000,"category":"=HYPERLINK(\"http://x\",\"y\")","description":"a, \"quoted\"; -1 @home"}""");
        await rig.CreateAsync("""{"name":"+plus","host":"example.org","intervalMs":2000,"lossThresholdPercent":2.5,"latencyThresholdMs":150,"timeoutMs":900,"enabled":false}""");
        var before = (await rig.Store.GetAsync("lab-01", CancellationToken.None))!.ToList().Targets;

        var csv = await rig.CallAsync((h, r) => h.ExportAsync(r, "lab-01", CancellationToken.None), query: "?format=csv");
        await rig.ImportAsync("""[{"name":"other","host":"10.1.1.1","intervalMs":1000}]""", "application/json", "?mode=replace");
        var back = await rig.ImportAsync(csv.Text, "text/csv", "?mode=replace");
        var json = await rig.CallAsync((h, r) => h.ExportAsync(r, "lab-01", CancellationToken.None), query: "?format=json");

        Assert.StartsWith("text/csv", csv.ContentType, StringComparison.Ordinal);
        Assert.Contains("attachment", csv.Headers["Content-Disposition"], StringComparison.Ordinal);
        var lines = csv.Text.Split("\r\n");
        Assert.Equal("name,host,category,description,uplink,intervalMs,latencyThresholdMs,lossThresholdPercent,enabled,timeoutMs", lines[0]);
        Assert.StartsWith("<img src=x onerror=alert(1)> lab,192.168.1.1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("'+plus,", lines[2], StringComparison.Ordinal);
        Assert.Equal(200, back.Status);
        Assert.Equal(before, (await rig.Store.GetAsync("lab-01", CancellationToken.None))!.ToList().Targets);
        Assert.Equal(before, ManagedTargetList.FromJson(json.Body).Targets);
    }

    [Fact]
    public async Task The_probe_moves_its_own_file_once_and_then_hears_to_use_the_dashboard()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        const string file = """{"probeId":"lab-01","version":"","targets":[{"name":"gateway","host":"192.168.1.1","intervalMs":1000,"uplink":true}]}""";

        var invalid = await rig.ProbePutAsync("""[{"name":"a","host":"10.0.0.1","intervalMs":1},{"name":"A","host":"10.0.0.2","intervalMs":1000}]""");
        var first = await rig.ProbePutAsync(file);
        var second = await rig.ProbePutAsync(file);
        var wrongProbe = await rig.ProbePutAsync(file.Replace("lab-01", "lab-02", StringComparison.Ordinal));

        Assert.Equal(400, invalid.Status);
        var rows = invalid.Json.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal(new (int, string?)[] { (1, "intervalMs"), (2, "name") }, rows);
        Assert.Equal(201, first.Status);
        Assert.Equal("gateway", Assert.Single(ManagedTargetList.FromJson(first.Body).Targets).Name);
        Assert.Equal(409, second.Status);
        Assert.Equal("urn:netpulse:problem:targets-managed-already", second.Json.GetProperty("type").GetString());
        Assert.Equal(400, wrongProbe.Status);
    }

    /// <summary>Storage and API over fresh tables of this test's own, a fake clock, probe lab-01 registered.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        public const string ListPath = "/api/probes/lab-01/target-list";

        private readonly ServiceProvider _services;

        private Rig(string connectionString, string? prefix)
        {
            Prefix = prefix ?? "mt" + Guid.NewGuid().ToString("N")[..12];
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(Counter, Azure.Core.HttpPipelinePosition.PerCall);
            Tables = new TableServiceClient(connectionString, tableOptions);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = connectionString,
                    ["NetPulse:Storage:TablePrefix"] = Prefix,
                })
                .Build();
            _services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddSingleton<TimeProvider>(Time)
                .AddSingleton(Tables)
                .AddNetPulseStorage(configuration)
                .AddNetPulseApi(configuration)
                .BuildServiceProvider();
        }

        public string Prefix { get; }

        /// <summary>Every request this instance's table client sends.</summary>
        internal Ingestion.RequestCounter Counter { get; } = new();

        public TableServiceClient Tables { get; }

        public FakeTimeProvider Time { get; } = new(Now);

        public TestProbe Probe { get; } = new("lab-01");

        public IServiceProvider Services => _services;

        public ManagedTargetStore Store => _services.GetRequiredService<ManagedTargetStore>();

        private ManagedTargetsHandler Handler => _services.GetRequiredService<ManagedTargetsHandler>();

        /// <param name="prefix">Another rig's, to run a second instance with caches of its own over the same tables.</param>
        public static async Task<Rig> StartAsync(string connectionString, string? prefix = null)
        {
            var rig = new Rig(connectionString, prefix);
            if (prefix is null)
            {
                // A second instance signs with the first's probe (its own Probe is not registered).
                await rig.Probe.RegisterAsync(rig.Tables, rig.Prefix);
            }

            return rig;
        }

        public Task<Answer> ListAsync() => CallAsync((h, r) => h.ListAsync(r, "lab-01", CancellationToken.None));

        public Task<Answer> CreateAsync(string body) => CallAsync((h, r) => h.CreateAsync(r, "lab-01", CancellationToken.None), "POST", body: body);

        public Task<Answer> UpdateAsync(string id, string? etag, string body) =>
            CallAsync((h, r) => h.UpdateAsync(r, "lab-01", id, CancellationToken.None), "PUT", body: body, headers: etag is null ? null : new() { ["If-Match"] = etag });

        public Task<Answer> ImportAsync(string body, string contentType, string query) =>
            CallAsync((h, r) => h.ImportAsync(r, "lab-01", CancellationToken.None), "POST", query, body, contentType);

        public Task<Answer> ProbeGetAsync(TestProbe probe, string? ifNoneMatch = null)
        {
            var headers = new Dictionary<string, string> { ["Authorization"] = ProbeRequestSignature.Sign("GET", ListPath, Time.GetUtcNow(), probe.Id, probe.Key) };
            if (ifNoneMatch is not null)
            {
                headers["If-None-Match"] = ifNoneMatch;
            }

            return CallAsync((h, r) => h.ProbeListAsync(r, "lab-01", CancellationToken.None), path: ListPath, headers: headers);
        }

        public Task<Answer> ProbePutAsync(string body) =>
            CallAsync((h, r) => h.ProbeImportAsync(r, "lab-01", CancellationToken.None), "PUT", body: body, path: ListPath,
                headers: new() { ["Authorization"] = ProbeRequestSignature.Sign("PUT", ListPath, Time.GetUtcNow(), "lab-01", Probe.Key, System.Text.Encoding.UTF8.GetBytes(body)) });

        public async Task<Answer> CallAsync(
            Func<ManagedTargetsHandler, HttpRequest, Task<IResult>> handler, string method = "GET", string query = "", string? body = null,
            string contentType = "application/json", Dictionary<string, string>? headers = null, string path = "/api/probes/lab-01/targets")
        {
            var http = new DefaultHttpContext();
            http.Request.Method = method;
            http.Request.Path = path;
            http.Request.QueryString = new QueryString(query);
            foreach (var (name, value) in headers ?? [])
            {
                http.Request.Headers[name] = value;
            }

            if (body is not null)
            {
                http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
                http.Request.ContentType = contentType;
            }

            using var response = new MemoryStream();
            http.Response.Body = response;
            var result = await handler(Handler, http.Request);
            await result.ExecuteAsync(http);
            return new Answer(http.Response.StatusCode, http.Response.ContentType, response.ToArray(),
                http.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        }

        public async ValueTask DisposeAsync()
        {
            Probe.Dispose();
            await _services.DisposeAsync();
        }
    }
}
