using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetPulse.Contracts;

/// <summary>
/// How a probe proves who it is to the HTTP API (fetching its target list): the <c>Authorization</c> header
/// <c>NPR1 &lt;probeId&gt; &lt;keyId&gt; &lt;unixSeconds&gt; &lt;signature&gt;</c>, the signature (ECDSA P-256 / SHA-256,
/// IEEE P1363, Base64url without padding) over <c>"NPR1\n&lt;METHOD&gt;\n&lt;path&gt;\n&lt;unixSeconds&gt;\n&lt;SHA-256 of the body&gt;"</c>
/// with the same key that signs the probe's batches (<see cref="SignedBatchMessage"/>). The time bounds a replay to
/// <see cref="MaxClockSkew"/>; the path binds the signature to one probe's route, so it opens nothing else; the body's
/// hash binds it to one body, so a header seen once cannot carry another list.
/// </summary>
public sealed record ProbeRequestSignature(string ProbeId, string KeyId, long UnixSeconds, ReadOnlyMemory<byte> Signature)
{
    public const string Scheme = "NPR1";

    /// <summary>How far the probe's clock may be from the backend's before its requests are refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly DSASignatureFormat Format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;

    /// <summary>The Authorization header value for <paramref name="method"/> on <paramref name="path"/> (e.g. "/api/probes/p1/target-list") at <paramref name="now"/>.</summary>
    public static string Sign(string method, string path, DateTimeOffset now, string probeId, ECDsa key, ReadOnlySpan<byte> body = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var seconds = now.ToUnixTimeSeconds();
        var signature = key.SignData(Encoding.UTF8.GetBytes(Signed(method, path, seconds, body)), HashAlgorithmName.SHA256, Format);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme} {probeId} {ProbeKeys.KeyId(ProbeKeys.PublicKey(key))} {seconds} {Base64Url.EncodeToString(signature)}");
    }

    /// <summary>Null when <paramref name="header"/> is not of this scheme's form (then <paramref name="problem"/> says why).</summary>
    public static ProbeRequestSignature? TryParse(string? header, out string problem)
    {
        problem = "";
        var parts = (header ?? "").Split(' ');
        if (parts.Length != 5 || parts[0] != Scheme)
        {
            problem = $"the Authorization header must be '{Scheme} <probeId> <keyId> <unixSeconds> <signature>'";
            return null;
        }

        if (!PingBatchRules.IsValidProbeId(parts[1]))
        {
            problem = "the Authorization header's probe id is not a valid probe id";
            return null;
        }

        if (parts[2].Length != ProbeKeys.KeyIdLength || !parts[2].All(char.IsAsciiHexDigitLower))
        {
            problem = $"the Authorization header's key id must be {ProbeKeys.KeyIdLength} lowercase hex digits";
            return null;
        }

        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            problem = "the Authorization header's time must be Unix seconds";
            return null;
        }

        var signature = new byte[SignedBatchMessage.SignatureBytes];
        if (Base64Url.DecodeFromChars(parts[4], signature, out var consumed, out var decoded) != System.Buffers.OperationStatus.Done
            || consumed != parts[4].Length || decoded != SignedBatchMessage.SignatureBytes || parts[4].Contains('=', StringComparison.Ordinal))
        {
            problem = $"the Authorization header's signature must be {SignedBatchMessage.SignatureBytes} bytes in Base64url without padding";
            return null;
        }

        return new ProbeRequestSignature(parts[1], parts[2], seconds, signature);
    }

    /// <summary>
    /// Null when the request was signed by <paramref name="subjectPublicKeyInfo"/> for <paramref name="method"/> on
    /// <paramref name="path"/> with <paramref name="body"/> (empty for a GET) within <see cref="MaxClockSkew"/> of
    /// <paramref name="now"/>; else why not.
    /// </summary>
    public string? Verify(string method, string path, DateTimeOffset now, ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> body = default)
    {
        if (ProbeKeys.KeyId(subjectPublicKeyInfo) != KeyId)
        {
            return $"the request is signed with key {KeyId}, which is not the key registered for probe '{ProbeId}'";
        }

        var skew = TimeSpan.FromSeconds(Math.Abs(now.ToUnixTimeSeconds() - Math.Clamp(UnixSeconds, 0, long.MaxValue / 2)));
        if (skew > MaxClockSkew)
        {
            return $"the request's time is {skew.TotalSeconds:0} s from the backend's; at most {MaxClockSkew.TotalSeconds:0} s are allowed (check the probe's clock)";
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key.VerifyData(Encoding.UTF8.GetBytes(Signed(method, path, UnixSeconds, body)), Signature.Span, HashAlgorithmName.SHA256, Format)
            ? null
            : $"the request's signature does not verify with probe '{ProbeId}''s key for {method.ToUpperInvariant()} {path} and this body";
    }

    private static string Signed(string method, string path, long seconds, ReadOnlySpan<byte> body) =>
        string.Create(CultureInfo.InvariantCulture, $"{Scheme}\n{method.ToUpperInvariant()}\n{path}\n{seconds}\n{Base64Url.EncodeToString(SHA256.HashData(body))}");
}
