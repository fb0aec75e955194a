using System.Security.Cryptography;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Sending;

/// <summary>
/// Signs each batch as it leaves for the queue (<see cref="SignedBatchMessage"/>): the spool keeps the batch bytes
/// unchanged, and the backend accepts them only from this probe's registered key.
/// </summary>
public sealed class BatchSigner : IDisposable
{
    private readonly ECDsa _key;

    internal BatchSigner(string probeId, ECDsa key)
    {
        ProbeId = probeId;
        _key = key;
        KeyId = ProbeKeys.KeyId(ProbeKeys.PublicKey(key));
    }

    /// <summary>The probe whose batches this signs: another probe's batch is never sent under this key.</summary>
    public string ProbeId { get; }

    public string KeyId { get; }

    /// <summary>The signer of the configured probe, with the key in its spool folder.</summary>
    /// <exception cref="ProbeConfigurationException">The probe has no key yet (run <c>netpulse-probe enroll</c>), or an unreadable one.</exception>
    public static BatchSigner Load(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new BatchSigner(options.Id!, ProbeKeyFile.Load(options.Spool.Path));
    }

    /// <summary>The queue message for <paramref name="batch"/>: header line, then the batch bytes as they are.</summary>
    public byte[] Sign(ReadOnlySpan<byte> batch) => SignedBatchMessage.Sign(batch, ProbeId, _key);

    /// <summary>The Authorization header for an API request by this probe (<see cref="ProbeRequestSignature"/>): <paramref name="path"/> is the URL's absolute path.</summary>
    public string SignRequest(string method, string path, DateTimeOffset now, ReadOnlySpan<byte> body = default) => ProbeRequestSignature.Sign(method, path, now, ProbeId, _key, body);

    public void Dispose() => _key.Dispose();
}
