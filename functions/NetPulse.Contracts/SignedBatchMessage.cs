using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace NetPulse.Contracts;

/// <summary>
/// The ping-batch queue message as the probe signs it: one ASCII header line, <c>\n</c>, then the batch bytes
/// exactly as spooled (<see cref="PingBatchCodec"/>'s body; treated here as opaque bytes).
/// The header is <c>NPS1 &lt;probeId&gt; &lt;keyId&gt; &lt;signature&gt;</c>: the signature is Base64url without
/// padding of the ECDSA P-256 / SHA-256 signature in IEEE P1363 form (64 bytes) over the batch bytes.
/// The queue credential only lets a probe add messages; this signature is what ties a batch to one probe.
/// </summary>
public sealed record SignedBatchMessage(string ProbeId, string KeyId, ReadOnlyMemory<byte> Signature, ReadOnlyMemory<byte> Batch)
{
    public const string Scheme = "NPS1";

    /// <summary>Length of a P-256 signature in IEEE P1363 form (r and s, 32 bytes each).</summary>
    public const int SignatureBytes = 64;

    /// <summary>
    /// Room a header may take: scheme, the longest probe id, key id and signature with their separators fit in it.
    /// <see cref="PingBatchCodec.MaxBodyBytes"/> leaves it free so a signed message still fits the queue.
    /// </summary>
    public const int MaxHeaderBytes = 192;

    private static readonly DSASignatureFormat Format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;

    /// <summary>Signs <paramref name="batch"/> with the probe's private key and returns the whole message.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> batch, string probeId, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!PingBatchRules.IsValidProbeId(probeId))
        {
            throw new ArgumentException($"'{probeId}' is not a valid probe id", nameof(probeId));
        }

        var signature = key.SignData(batch, HashAlgorithmName.SHA256, Format);
        var header = $"{Scheme} {probeId} {ProbeKeys.KeyId(ProbeKeys.PublicKey(key))} {Base64Url.EncodeToString(signature)}\n";
        var message = new byte[Encoding.ASCII.GetByteCount(header) + batch.Length];
        var written = Encoding.ASCII.GetBytes(header, message);
        batch.CopyTo(message.AsSpan(written));
        return message;
    }

    /// <summary>Splits a message into its header's fields and the batch bytes, checking the header's form only.</summary>
    /// <exception cref="InvalidPingBatchException">No header line, or a header not of the form above; the message says which part.</exception>
    public static SignedBatchMessage Parse(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;

        // Checked before looking for the end of the line: a bare binary batch may hold a newline byte anywhere.
        if (!span.StartsWith("NPS"u8))
        {
            throw new InvalidPingBatchException(
                $"the message is not signed: it must start with a '{Scheme} <probeId> <keyId> <signature>' line (probes before issue 13 sent bare batches; update the probe and run 'netpulse-probe enroll')");
        }

        var newline = span[..Math.Min(span.Length, MaxHeaderBytes)].IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidPingBatchException($"the signature header has no end of line within its first {MaxHeaderBytes} bytes");
        }

        var header = span[..newline];
        if (header.IndexOfAnyExceptInRange((byte)' ', (byte)'~') >= 0)
        {
            throw new InvalidPingBatchException("the signature header holds characters other than printable ASCII");
        }

        var parts = Encoding.ASCII.GetString(header).Split(' ');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            throw new InvalidPingBatchException(
                $"the signature header must be '{Scheme} <probeId> <keyId> <signature>', not '{Shorten(Encoding.ASCII.GetString(header))}'");
        }

        if (!PingBatchRules.IsValidProbeId(parts[1]))
        {
            throw new InvalidPingBatchException($"the signature header's probe id '{Shorten(parts[1])}' is not a valid probe id");
        }

        if (parts[2].Length != ProbeKeys.KeyIdLength || !parts[2].All(char.IsAsciiHexDigitLower))
        {
            throw new InvalidPingBatchException($"the signature header's key id '{Shorten(parts[2])}' must be {ProbeKeys.KeyIdLength} lowercase hex digits");
        }

        var signature = new byte[SignatureBytes];
        if (Base64Url.DecodeFromChars(parts[3], signature, out var consumed, out var decoded) != System.Buffers.OperationStatus.Done
            || consumed != parts[3].Length || decoded != SignatureBytes || parts[3].Contains('='))
        {
            throw new InvalidPingBatchException(
                $"the signature header's signature must be {SignatureBytes} bytes in Base64url without padding ({Base64Url.GetEncodedLength(SignatureBytes)} characters)");
        }

        return new SignedBatchMessage(parts[1], parts[2], signature, message[(newline + 1)..]);
    }

    /// <summary>
    /// Checks that <paramref name="subjectPublicKeyInfo"/> is the key the header names and that it signed the batch.
    /// </summary>
    /// <exception cref="InvalidPingBatchException">Another key id, or a signature that does not verify.</exception>
    public void Verify(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var registered = ProbeKeys.KeyId(subjectPublicKeyInfo);
        if (registered != KeyId)
        {
            throw new InvalidPingBatchException(
                $"the message of probe '{ProbeId}' is signed with key {KeyId}, but the key registered for the probe is {registered}");
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        if (!key.VerifyData(Batch.Span, Signature.Span, HashAlgorithmName.SHA256, Format))
        {
            throw new InvalidPingBatchException(
                $"the signature of the message of probe '{ProbeId}' does not match its batch (key {KeyId}): altered in transit or not signed by the probe");
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
