using System.Text;
using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// A batch is stored only when the probe it names registered the key that signed it and is not revoked: one probe's
/// key cannot write as another, and revoking one probe leaves the others ingesting.
/// </summary>
public sealed class ProbeSignatureTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static PingBatch Batch(string probeId, long sequence = 0) =>
        new Scenario(probeId, Start).Target("gw", Scenario.Healthy).Batches(1, sequence)[0];

    [Fact]
    public async Task A_signed_batch_of_a_registered_probe_is_stored()
    {
        using var rig = Rig();

        await rig.IngestAsync(Batch("home-1"));

        Assert.Single((await rig.DumpAsync("batches"))["batches"]);
    }

    [Fact]
    public async Task A_bare_batch_without_a_signature_header_is_refused_and_nothing_is_stored()
    {
        using var rig = Rig();
        _ = await rig.Probes.GetAsync("home-1");

        var refused = await RefusedAsync(rig, BinaryData.FromBytes(PingBatchCodec.Encode(Batch("home-1"))));

        Assert.Contains("not signed", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_an_unknown_probe_is_refused_and_nothing_is_stored()
    {
        using var rig = Rig();
        using var stranger = new TestProbe("home-1");

        var refused = await RefusedAsync(rig, BinaryData.FromBytes(stranger.Sign(PingBatchCodec.Encode(Batch("home-1")))));

        Assert.Contains("probe 'home-1' is not registered", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_signed_with_another_key_than_the_registered_one_is_refused()
    {
        using var rig = Rig();
        var registered = await rig.Probes.GetAsync("home-1");
        using var impostor = new TestProbe("home-1");

        var refused = await RefusedAsync(rig, BinaryData.FromBytes(impostor.Sign(PingBatchCodec.Encode(Batch("home-1")))));

        Assert.Contains($"signed with key {impostor.KeyId}, but the key registered for the probe is {registered.KeyId}", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_altered_after_signing_is_refused()
    {
        using var rig = Rig();
        var probe = await rig.Probes.GetAsync("home-1");
        var message = probe.Sign(PingBatchCodec.Encode(Batch("home-1") with { Version = PingBatch.JsonVersion }));

        // One more millisecond of RTT in the first sample: still a valid batch, no longer the signed one.
        var text = Encoding.UTF8.GetString(message);
        var sample = text.IndexOf("[[0,", StringComparison.Ordinal) + 4;
        var altered = text[..sample] + (char)(text[sample] == '9' ? '1' : text[sample] + 1) + text[(sample + 1)..];

        var refused = await RefusedAsync(rig, BinaryData.FromString(altered));

        Assert.Contains("does not match its batch", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_probe_cannot_send_another_probes_batch_under_its_own_name_or_under_the_others()
    {
        using var rig = Rig();
        var a = await rig.Probes.GetAsync("site-a");
        var b = await rig.Probes.GetAsync("site-b");
        var batchOfB = PingBatchCodec.Encode(Batch("site-b"));

        var asItself = await RefusedAsync(rig, BinaryData.FromBytes(a.Sign(batchOfB)));
        var asB = await RefusedAsync(rig, BinaryData.FromBytes(SignedBatchMessage.Sign(batchOfB, "site-b", a.Key)));

        Assert.Contains("signed by probe 'site-a' but its batch says probe 'site-b'", asItself, StringComparison.Ordinal);
        Assert.Contains($"signed with key {a.KeyId}, but the key registered for the probe is {b.KeyId}", asB, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoke_through_this_instance_refuses_the_next_batch_at_once_and_leaves_the_other_ingesting()
    {
        using var rig = Rig();
        await rig.IngestAsync(Batch("site-a", 0));
        await rig.IngestAsync(Batch("site-b", 0));

        // The key of site-a is cached now; the revoke through this instance's registry drops it.
        await rig.Registry.RevokeAsync("site-a", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch("site-a", 1)));
        await rig.IngestAsync(Batch("site-b", 1));

        Assert.Contains("probe 'site-a' was revoked at", refused.Message, StringComparison.Ordinal);
        var stored = (await rig.DumpAsync("batches"))["batches"];
        Assert.Equal(1, stored.Count(line => line.Contains("ProbeId=site-a", StringComparison.Ordinal)));
        Assert.Equal(2, stored.Count(line => line.Contains("ProbeId=site-b", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_revoke_through_another_instance_is_refused_here_once_the_key_cache_expires_and_not_before()
    {
        using var rig = Rig();
        using var other = IngestionRig.Create(azurite.ConnectionString, Start.AddSeconds(30), prefix: rig.Prefix);
        await rig.IngestAsync(Batch("site-a", 0));

        await other.Registry.RevokeAsync("site-a", CancellationToken.None);

        // This instance trusts its cached key for KeyCacheDuration (10 min) and reads nothing for it…
        rig.Counter.Reset();
        rig.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await rig.IngestAsync(Batch("site-a", 1));
        var probeReads = rig.Counter.Requests.Count(r => r.Method == "GET" && r.Path.Contains("probes(", StringComparison.Ordinal));

        // … and then reads the revoke.
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch("site-a", 2)));

        Assert.Equal(0, probeReads);
        Assert.Contains("probe 'site-a' was revoked at", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_probe_costs_one_read_per_unknown_cache_time_and_a_registration_here_is_seen_at_once()
    {
        using var rig = Rig();
        using var stranger = new TestProbe("home-1");
        var message = BinaryData.FromBytes(stranger.Sign(PingBatchCodec.Encode(Batch("home-1"))));
        _ = await RefusedAsync(rig, message);

        // Registered behind this instance's back (another instance): still unknown here for UnknownProbeCacheDuration (30 s).
        await stranger.RegisterAsync(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString), rig.Prefix);
        rig.Counter.Reset();
        for (var i = 0; i < 20; i++)
        {
            _ = await RefusedAsync(rig, message);
        }

        var readsWhileCached = rig.Counter.TableReads;
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        await rig.Handler.HandleAsync(message, "m-known", 1, CancellationToken.None);

        // A registration through this instance is seen at once, whatever it cached.
        using var newcomer = new TestProbe("home-2");
        var newcomerMessage = BinaryData.FromBytes(newcomer.Sign(PingBatchCodec.Encode(Batch("home-2"))));
        _ = await RefusedAsync(rig, newcomerMessage);
        await rig.Registry.RegisterAsync("home-2", newcomer.PublicKey, replace: false, CancellationToken.None);
        await rig.Handler.HandleAsync(newcomerMessage, "m-newcomer", 1, CancellationToken.None);

        Assert.Equal(0, readsWhileCached);
        Assert.Equal(2, (await rig.DumpAsync("batches"))["batches"].Count);
    }

    [Fact]
    public async Task A_flood_of_unknown_ids_stays_within_the_cache_size_and_pushes_no_known_key_out()
    {
        using var rig = Rig(new Dictionary<string, string?> { ["NetPulse:Probes:KeyCacheSize"] = "3" });
        await rig.IngestAsync(Batch("home-1", 0));
        using var stranger = new TestProbe("x");

        foreach (var id in Enumerable.Range(0, 10).Select(i => $"bad-{i}"))
        {
            var header = SignedBatchMessage.Sign(PingBatchCodec.Encode(Batch(id)), id, stranger.Key);
            _ = await RefusedAsync(rig, BinaryData.FromBytes(header));
        }

        rig.Counter.Reset();
        await rig.IngestAsync(Batch("home-1", 1));

        Assert.Equal(3, rig.Registry.CachedUnknownCount);
        Assert.Equal(1, rig.Registry.CachedCount);
        Assert.Equal(0, rig.Counter.Requests.Count(r => r.Method == "GET" && r.Path.Contains("probes(", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_key_cache_keeps_at_most_its_size_in_probes()
    {
        using var rig = Rig(new Dictionary<string, string?> { ["NetPulse:Probes:KeyCacheSize"] = "2" });

        foreach (var probe in new[] { "p-1", "p-2", "p-3" })
        {
            await rig.IngestAsync(Batch(probe));
        }

        Assert.Equal(2, rig.KeyCache.Count);
    }

    private IngestionRig Rig(IDictionary<string, string?>? settings = null) =>
        IngestionRig.Create(azurite.ConnectionString, Start.AddSeconds(30), settings);

    /// <summary>Delivers <paramref name="message"/>, which must be refused having written nothing; returns the reason.</summary>
    private static async Task<string> RefusedAsync(IngestionRig rig, BinaryData message)
    {
        rig.Counter.Reset();
        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(
            () => rig.Handler.HandleAsync(message, "m-refused", 1, CancellationToken.None));
        Assert.Equal(0, rig.Counter.TableWrites);
        Assert.Equal(0, rig.Counter.QueuePuts);
        return refused.Message;
    }
}
