using System.Security.Cryptography;

namespace NetPulse.Contracts;

/// <summary>
/// A probe's public key as the backend registers it: ECDSA P-256 as SubjectPublicKeyInfo DER, and its key id,
/// the lowercase hex of the first 8 bytes of SHA-256 over that DER. The probe prints both at enrolment; the
/// signed message header names the key id so the backend can tell a replaced key from a forged one.
/// </summary>
public static class ProbeKeys
{
    /// <summary>Length of a key id in characters (8 bytes in hex).</summary>
    public const int KeyIdLength = 16;

    /// <summary>The key id of a public key given as SubjectPublicKeyInfo DER.</summary>
    public static string KeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)[..8]);

    /// <summary>The SubjectPublicKeyInfo DER of <paramref name="key"/>'s public half.</summary>
    public static byte[] PublicKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>A new P-256 key pair, as every probe has one.</summary>
    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>
    /// Reads a public key given as Base64 SubjectPublicKeyInfo DER or as a PEM "PUBLIC KEY" block and returns its
    /// DER, or null with <paramref name="problem"/> saying why it is not an ECDSA P-256 public key.
    /// </summary>
    public static byte[]? TryParsePublicKey(string? text, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is missing; give the probe's public key as Base64 SubjectPublicKeyInfo (what 'netpulse-probe enroll' prints) or PEM";
            return null;
        }

        byte[] der;
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(trimmed, out var pem) || trimmed[pem.Label] != "PUBLIC KEY")
            {
                problem = "is PEM but holds no 'PUBLIC KEY' block";
                return null;
            }

            der = Convert.FromBase64String(trimmed[pem.Base64Data]);
        }
        else
        {
            der = new byte[trimmed.Length];
            if (!Convert.TryFromBase64String(trimmed, der, out var length))
            {
                problem = "is neither Base64 nor PEM";
                return null;
            }

            der = der[..length];
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(der, out var read);
            var curve = key.ExportParameters(false).Curve;
            if (read != der.Length || !curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                problem = "is not an ECDSA P-256 public key";
                return null;
            }

            // Canonical DER, so the key id never depends on how the key was written.
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            problem = "is not an ECDSA P-256 public key (SubjectPublicKeyInfo)";
            return null;
        }
    }
}
