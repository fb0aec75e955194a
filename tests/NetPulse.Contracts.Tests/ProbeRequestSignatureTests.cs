using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

/// <summary>A probe's signed API request: verifies for its key, route and time, and for nothing else.</summary>
public sealed class ProbeRequestSignatureTests
{
    private const string Path = "/api/probes/home-1/target-list";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_signed_request_verifies_with_the_probes_key()
    {
        using var key = ProbeKeys.Create();
        var header = ProbeRequestSignature.Sign("GET", Path, Now, "home-1", key);

        var parsed = ProbeRequestSignature.TryParse(header, out _);

        Assert.NotNull(parsed);
        Assert.Equal("home-1", parsed.ProbeId);
        Assert.Null(parsed.Verify("GET", Path, Now.AddSeconds(30), ProbeKeys.PublicKey(key)));
    }

    [Fact]
    public void Another_path_another_key_or_an_old_time_is_refused_with_the_reason()
    {
        using var key = ProbeKeys.Create();
        using var other = ProbeKeys.Create();
        var parsed = ProbeRequestSignature.TryParse(ProbeRequestSignature.Sign("GET", Path, Now, "home-1", key), out _)!;

        Assert.Contains("does not verify", parsed.Verify("GET", "/api/probes/home-2/target-list", Now, ProbeKeys.PublicKey(key)), StringComparison.Ordinal);
        Assert.Contains("not the key registered", parsed.Verify("GET", Path, Now, ProbeKeys.PublicKey(other)), StringComparison.Ordinal);
        Assert.Contains("check the probe's clock", parsed.Verify("GET", Path, Now.AddMinutes(6), ProbeKeys.PublicKey(key)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_covers_the_body_so_a_seen_header_cannot_carry_another()
    {
        using var key = ProbeKeys.Create();
        var header = ProbeRequestSignature.Sign("PUT", Path, Now, "home-1", key, "{\"targets\":[]}"u8);
        var parsed = ProbeRequestSignature.TryParse(header, out _)!;

        Assert.Null(parsed.Verify("PUT", Path, Now, ProbeKeys.PublicKey(key), "{\"targets\":[]}"u8));
        Assert.Contains("does not verify", parsed.Verify("PUT", Path, Now, ProbeKeys.PublicKey(key), "{\"targets\":[{}]}"u8), StringComparison.Ordinal);
        Assert.Contains("does not verify", parsed.Verify("PUT", Path, Now, ProbeKeys.PublicKey(key)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer abc")]
    [InlineData("NPR1 home-1 nothex 1 sig")]
    [InlineData("NPR1 -bad 0123456789abcdef 1 sig")]
    public void A_header_of_another_form_is_not_parsed(string? header)
    {
        Assert.Null(ProbeRequestSignature.TryParse(header, out var problem));
        Assert.NotEmpty(problem);
    }
}
