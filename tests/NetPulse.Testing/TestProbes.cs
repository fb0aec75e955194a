using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Data.Tables;
using NetPulse.Contracts;

namespace NetPulse.Testing;

/// <summary>
/// A probe's identity for tests: its own ECDSA P-256 key, registered in the probes table of an Azurite account
/// as the API registers one (<c>POST /api/probes</c>), and the batches it signs as the real probe's sender does.
/// </summary>
public sealed class TestProbe : IDisposable
{
    /// <summary>A fixed registration time, so two rigs that register the same probe dump equal tables.</summary>
    public static readonly DateTimeOffset RegisteredAt = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Keys of <see cref="Shared"/> probes, one per id for the whole test process.</summary>
    private static readonly ConcurrentDictionary<string, byte[]> SharedKeys = new(StringComparer.Ordinal);

    /// <summary>A probe with a fresh key of its own.</summary>
    public TestProbe(string id)
        : this(id, ProbeKeys.Create())
    {
    }

    private TestProbe(string id, ECDsa key)
    {
        Id = id;
        Key = key;
        PublicKey = ProbeKeys.PublicKey(Key);
        KeyId = ProbeKeys.KeyId(PublicKey);
    }

    /// <summary>
    /// The probe with the key every <see cref="Shared"/> call for this id gets in this process: two rigs that
    /// ingest the same scenario then hold the same probes table.
    /// </summary>
    public static TestProbe Shared(string id)
    {
        var pkcs8 = SharedKeys.GetOrAdd(id, _ =>
        {
            using var key = ProbeKeys.Create();
            return key.ExportPkcs8PrivateKey();
        });
        var shared = ProbeKeys.Create();
        shared.ImportPkcs8PrivateKey(pkcs8, out _);
        return new TestProbe(id, shared);
    }

    public string Id { get; }

    public ECDsa Key { get; }

    /// <summary>SubjectPublicKeyInfo DER.</summary>
    public byte[] PublicKey { get; }

    public string KeyId { get; }

    public string PublicKeyBase64 => Convert.ToBase64String(PublicKey);

    /// <summary>The queue message for <paramref name="batch"/>: the signature header line, then the batch bytes.</summary>
    public byte[] Sign(ReadOnlySpan<byte> batch) => SignedBatchMessage.Sign(batch, Id, Key);

    /// <summary>The batch bytes of a signed message (what followed the header), for byte-for-byte comparisons.</summary>
    public static byte[] BatchOf(ReadOnlySpan<byte> message) => SignedBatchMessage.Parse(message.ToArray()).Batch.ToArray();

    /// <summary>Writes the row the API would write for this probe into "{tablePrefix}probes", replacing any.</summary>
    public async Task RegisterAsync(TableServiceClient service, string tablePrefix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var table = service.GetTableClient(tablePrefix + "probes");
        await table.CreateIfNotExistsAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity("probe", Id)
            {
                ["PublicKey"] = PublicKeyBase64,
                ["KeyId"] = KeyId,
                ["RegisteredAt"] = RegisteredAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Writes the private key where the probe reads it, as <c>netpulse-probe enroll</c> would: PKCS#8 PEM, 0600.</summary>
    public void WriteKeyFile(string spoolPath)
    {
        Directory.CreateDirectory(spoolPath);
        var path = Path.Combine(spoolPath, "probe.key");
        File.WriteAllText(path, Key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public void Dispose() => Key.Dispose();
}

/// <summary>
/// Test probes by id (<see cref="TestProbe.Shared"/>), each registered in the account on first use: a rig signs
/// whatever batch it is handed with the key of the probe that batch names, as if every probe in the scenario were enrolled.
/// </summary>
public sealed class TestProbes : IDisposable
{
    private readonly TableServiceClient _service;
    private readonly string _tablePrefix;
    private readonly ConcurrentDictionary<string, Lazy<Task<TestProbe>>> _probes = new(StringComparer.Ordinal);

    public TestProbes(TableServiceClient service, string tablePrefix = "")
    {
        _service = service;
        _tablePrefix = tablePrefix;
    }

    public TestProbes(string connectionString, string tablePrefix = "")
        : this(new TableServiceClient(connectionString), tablePrefix)
    {
    }

    /// <summary>The probe, registered.</summary>
    public Task<TestProbe> GetAsync(string probeId) =>
        _probes.GetOrAdd(probeId, id => new Lazy<Task<TestProbe>>(async () =>
        {
            var probe = TestProbe.Shared(id);
            await probe.RegisterAsync(_service, _tablePrefix);
            return probe;
        })).Value;

    /// <summary>The batch body signed by the probe it names (registered first if need be).</summary>
    public async Task<BinaryData> SignAsync(byte[] batch)
    {
        var probe = await GetAsync(PingBatchCodec.Decode(batch).ProbeId);
        return BinaryData.FromBytes(probe.Sign(batch));
    }

    /// <summary><paramref name="batch"/> encoded and signed by its probe.</summary>
    public Task<BinaryData> SignAsync(PingBatch batch) => SignAsync(PingBatchCodec.Encode(batch));

    public void Dispose()
    {
        foreach (var probe in _probes.Values.Where(p => p.IsValueCreated && p.Value.IsCompletedSuccessfully))
        {
            probe.Value.Result.Dispose();
        }
    }
}
