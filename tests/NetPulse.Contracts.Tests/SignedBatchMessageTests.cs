using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

public sealed class SignedBatchMessageTests
{
    private static readonly byte[] Batch = Encoding.UTF8.GetBytes("{\"version\":1,\"probeId\":\"lab-01\"}");

    [Fact]
    public void A_signed_message_is_one_header_line_then_the_batch_bytes_exactly_and_verifies()
    {
        using var key = ProbeKeys.Create();

        var message = SignedBatchMessage.Sign(Batch, "lab-01", key);
        var parsed = SignedBatchMessage.Parse(message);

        var newline = Array.IndexOf(message, (byte)'\n');
        var header = Encoding.ASCII.GetString(message, 0, newline).Split(' ');
        Assert.Equal(["NPS1", "lab-01", ProbeKeys.KeyId(key.ExportSubjectPublicKeyInfo())], header[..3]);
        Assert.Equal(86, header[3].Length);
        Assert.Equal(Batch, message[(newline + 1)..]);
        Assert.Equal(Batch, parsed.Batch.ToArray());
        Assert.Equal(("lab-01", 64), (parsed.ProbeId, parsed.Signature.Length));
        parsed.Verify(key.ExportSubjectPublicKeyInfo());

        // The signature is IEEE P1363 over SHA-256 of the batch bytes, as any ECDSA library can check it.
        Assert.True(key.VerifyData(Batch, Base64Url.DecodeFromChars(header[3]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void The_key_id_is_the_lowercase_hex_of_the_first_8_bytes_of_the_sha256_of_the_spki()
    {
        using var key = ProbeKeys.Create();
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.Equal(Convert.ToHexString(SHA256.HashData(spki), 0, 8).ToLowerInvariant(), ProbeKeys.KeyId(spki));
    }

    [Fact]
    public void A_public_key_parses_from_base64_spki_and_from_pem_to_the_same_der()
    {
        using var key = ProbeKeys.Create();
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.Equal(spki, ProbeKeys.TryParsePublicKey(Convert.ToBase64String(spki), out _));
        Assert.Equal(spki, ProbeKeys.TryParsePublicKey(key.ExportSubjectPublicKeyInfoPem(), out _));
    }

    [Theory]
    [InlineData(null, "is missing")]
    [InlineData("%%%", "neither Base64 nor PEM")]
    [InlineData("AAAA", "not an ECDSA P-256 public key")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "no 'PUBLIC KEY' block")]
    public void A_public_key_that_is_not_p256_is_refused_with_the_reason(string? text, string reason)
    {
        Assert.Null(ProbeKeys.TryParsePublicKey(text, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_p384_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Null(ProbeKeys.TryParsePublicKey(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), out var problem));
        Assert.Contains("P-256", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"version\":1}", "not signed")]
    [InlineData("NPB\u0002\u0000\n{}", "not signed")]
    [InlineData("NPS1 lab-01 0123456789abcdef", "no end of line")]
    [InlineData("NPS2 lab-01 0123456789abcdef AAAA\n{}", "must be 'NPS1 <probeId> <keyId> <signature>'")]
    [InlineData("NPS1 lab-01 0123456789abcdef\n{}", "must be 'NPS1 <probeId> <keyId> <signature>'")]
    [InlineData("NPS1  lab-01 0123456789abcdef AAAA\n{}", "must be 'NPS1 <probeId> <keyId> <signature>'")]
    [InlineData("NPS1 -lab 0123456789abcdef {sig}\n{}", "probe id '-lab' is not a valid probe id")]
    [InlineData("NPS1 lab-01 0123456789ABCDEF {sig}\n{}", "must be 16 lowercase hex digits")]
    [InlineData("NPS1 lab-01 0123456789abcd {sig}\n{}", "must be 16 lowercase hex digits")]
    [InlineData("NPS1 lab-01 0123456789abcdef AAAA\n{}", "64 bytes in Base64url without padding")]
    [InlineData("NPS1 lab-01 0123456789abcdef {sig}==\n{}", "64 bytes in Base64url without padding")]
    [InlineData("NPS1 lab-01 0123456789abcdef {sig}\t\n{}", "printable ASCII")]
    [InlineData("NPS1 lab-01 0123456789abcdef {sig}\r\n{}", "printable ASCII")]
    public void A_missing_or_malformed_header_is_refused_naming_the_part(string message, string reason)
    {
        var text = message.Replace("{sig}", Base64Url.EncodeToString(new byte[64]), StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidPingBatchException>(() => SignedBatchMessage.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_longer_than_its_room_is_refused()
    {
        var text = "NPS1 " + new string('a', SignedBatchMessage.MaxHeaderBytes) + "\n{}";

        var ex = Assert.Throws<InvalidPingBatchException>(() => SignedBatchMessage.Parse(Encoding.ASCII.GetBytes(text)));

        Assert.Contains("no end of line within its first 192 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_or_altered_bytes_do_not_verify()
    {
        using var key = ProbeKeys.Create();
        using var other = ProbeKeys.Create();
        var message = SignedBatchMessage.Sign(Batch, "lab-01", key);
        var altered = (byte[])message.Clone();
        altered[^2] ^= 1;

        var wrongKey = Assert.Throws<InvalidPingBatchException>(() => SignedBatchMessage.Parse(message).Verify(other.ExportSubjectPublicKeyInfo()));
        var tampered = Assert.Throws<InvalidPingBatchException>(() => SignedBatchMessage.Parse(altered).Verify(key.ExportSubjectPublicKeyInfo()));

        Assert.Contains($"signed with key {ProbeKeys.KeyId(key.ExportSubjectPublicKeyInfo())}, but the key registered for the probe is {ProbeKeys.KeyId(other.ExportSubjectPublicKeyInfo())}", wrongKey.Message, StringComparison.Ordinal);
        Assert.Contains("does not match its batch", tampered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_batch_with_the_longest_header_still_fits_a_queue_message_after_base64()
    {
        using var key = ProbeKeys.Create();
        var message = SignedBatchMessage.Sign(new byte[PingBatchCodec.MaxBodyBytes], new string('p', PingBatchRules.MaxProbeIdLength), key);

        Assert.True(message.Length - PingBatchCodec.MaxBodyBytes <= SignedBatchMessage.MaxHeaderBytes);
        Assert.True(Convert.ToBase64String(message).Length <= 64 * 1024);
    }
}
