using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// The probe's list signal (<see cref="TargetListSignals"/>): every change path rewrites the blob, and the signed fetch
/// hands out a SAS that reads that one blob only. Real Azurite checks the SAS against the real clock, so these tests move
/// the rig's clock to now first.
/// </summary>
public sealed partial class ManagedTargetsApiTests
{
    private const string Gateway = """{"name":"gateway","host":"192.168.1.1","intervalMs":1000}""";

    [Fact]
    public async Task Every_change_path_rewrites_the_probes_signal_blob_with_the_lists_new_version()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        var blob = SignalBlob(rig, "lab-01");
        var seen = new List<(string Step, ETag ETag, string Content, string? Version)>();
        async Task Step(string name)
        {
            var content = await blob.DownloadContentAsync();
            seen.Add((name, content.Value.Details.ETag, content.Value.Content.ToString(), (await rig.Store.VersionAsync("lab-01", CancellationToken.None))));
        }

        Assert.Equal(201, (await rig.ProbePutAsync("""{"probeId":"lab-01","version":"","targets":[{"name":"nas","host":"192.168.1.5","intervalMs":5000}]}""")).Status);
        await Step("probe's own import");
        var created = await rig.CreateAsync(Gateway);
        await Step("add");
        var updated = await rig.UpdateAsync(created.Json.GetProperty("id").GetString()!, created.Headers["ETag"],
            """{"name":"gateway","host":"192.168.1.1","intervalMs":1000,"enabled":false}""");
        await Step("replace (disable)");
        Assert.Equal(204, (await rig.CallAsync((h, r) => h.DeleteAsync(r, "lab-01", updated.Json.GetProperty("id").GetString(), CancellationToken.None), "DELETE")).Status);
        await Step("delete");
        Assert.Equal(200, (await rig.ImportAsync("""[{"name":"dns","host":"192.168.1.53","intervalMs":5000}]""", "application/json", "?mode=replace")).Status);
        await Step("import");

        Assert.Equal(5, seen.Select(s => s.ETag).Distinct().Count());
        Assert.All(seen, s => Assert.Equal(s.Version, s.Content));
    }

    [Fact]
    public async Task The_signed_fetch_hands_out_a_sas_that_reads_this_probes_signal_and_nothing_else()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        rig.Time.SetUtcNow(DateTimeOffset.UtcNow);
        using var http = new HttpClient();

        var unmanaged = await rig.ProbeGetAsync(rig.Probe);
        var beforeList = await http.GetAsync(new Uri(unmanaged.Headers[ManagedTargetList.SignalHeader]));
        await rig.CreateAsync(Gateway);
        await rig.Store.SignalReadAccessAsync("lab-02", CancellationToken.None);
        var managed = await rig.ProbeGetAsync(rig.Probe);
        var sas = new Uri(managed.Headers[ManagedTargetList.SignalHeader]);
        var read = await http.GetAsync(sas);
        var other = await http.GetAsync(new Uri(sas.AbsoluteUri.Replace("/lab-01?", "/lab-02?", StringComparison.Ordinal)));
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => new BlobClient(sas).UploadAsync(BinaryData.FromString("forged"), overwrite: true));
        var container = new UriBuilder(sas) { Path = sas.AbsolutePath[..sas.AbsolutePath.LastIndexOf('/')], Query = sas.Query.TrimStart('?') + "&restype=container&comp=list" }.Uri;
        var list = await http.GetAsync(container);

        Assert.Equal(404, unmanaged.Status);
        Assert.Equal(HttpStatusCode.OK, beforeList.StatusCode);
        Assert.Equal("", await beforeList.Content.ReadAsStringAsync());
        Assert.Equal(200, managed.Status);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(ManagedTargetList.FromJson(managed.Body).Version, await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(403, write.Status);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Contains("sp=r&", sas.Query, StringComparison.Ordinal);
        var expiry = DateTimeOffset.Parse(Uri.UnescapeDataString(sas.Query.Split('&').Single(p => p.StartsWith("se=", StringComparison.Ordinal))[3..]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiry - rig.Time.GetUtcNow(), TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
    }

    [Fact]
    public async Task A_change_whose_signal_cannot_be_written_is_stored_and_a_503_and_its_retry_tells_the_probe()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString);
        await rig.CreateAsync(Gateway);
        var blob = SignalBlob(rig, "lab-01");
        // A lease held by someone else makes every write without its id fail (412), as a storage fault would.
        var lease = blob.GetBlobLeaseClient();
        await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);
        var before = await blob.DownloadContentAsync();

        var failed = await rig.CreateAsync("""{"name":"dns","host":"192.168.1.53","intervalMs":5000}""");
        var stored = await rig.Store.GetAsync("lab-01", CancellationToken.None);
        await lease.ReleaseAsync();
        var retried = await rig.CreateAsync("""{"name":"dns","host":"192.168.1.53","intervalMs":5000}""");
        var after = await blob.DownloadContentAsync();

        Assert.Equal(503, failed.Status);
        Assert.Equal("urn:netpulse:problem:probe-not-told", failed.Json.GetProperty("type").GetString());
        Assert.Contains("the change is stored", failed.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(failed.Headers.ContainsKey("Retry-After"));
        Assert.Equal(["gateway", "dns"], stored!.Targets.Select(t => t.Target.Name));
        Assert.NotEqual(stored.Version, before.Value.Content.ToString());
        Assert.Equal(409, retried.Status);
        Assert.Equal(stored.Version, after.Value.Content.ToString());
        Assert.NotEqual(before.Value.Details.ETag, after.Value.Details.ETag);
    }

    [Fact]
    public void A_user_delegation_key_is_renewed_while_it_can_still_outlive_a_sas_signed_now()
    {
        var now = DateTimeOffset.UtcNow;

        Assert.True(TargetListSignals.CanSign(now + TimeSpan.FromDays(2), now));
        Assert.False(TargetListSignals.CanSign(now + TargetListSignals.ReadAccessLifetime, now));
        Assert.False(TargetListSignals.CanSign(now + TargetListSignals.ReadAccessLifetime + TimeSpan.FromMinutes(30), now));
    }

    private static BlobClient SignalBlob(Rig rig, string probeId) =>
        rig.Services.GetRequiredService<TargetListSignals>().Of(probeId);
}
