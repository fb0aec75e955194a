using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>Share tokens made and checked: what they carry, and every way a changed, foreign or late one is refused.</summary>
public sealed class ShareLinkTokensTests
{
    private const string Key = "a-share-test-key-of-at-least-thirty-two-characters";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 2, 30, 20, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public void A_token_carries_its_link_scope_target_and_expiry_and_checks_as_valid()
    {
        var link = Link(ShareScope.Target, "home-1", "lab 03 ✓");
        var token = Tokens().Issue(link);

        Assert.True(ShareLinkTokens.TryRead(token, out var grant, out _));
        Assert.Equal((link.Id, ShareScope.Target, "home-1", "lab 03 ✓", link.ExpiresAt), (grant.Id, grant.Scope, grant.ProbeId, grant.Item, grant.ExpiresAt));
        Assert.Equal(TargetIds.Format("home-1", "lab 03 ✓"), grant.TargetId);
        Assert.Equal(ShareTokenState.Valid, Tokens().Check(token, grant));
        Assert.DoesNotContain("lab", token, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pack_token_carries_the_pack()
    {
        var token = Tokens().Issue(Link(ShareScope.Pack, "home-1", "week/2026-W09"));

        Assert.True(ShareLinkTokens.TryRead(token, out var grant, out _));
        Assert.Equal((ShareScope.Pack, "week/2026-W09"), (grant.Scope, grant.Item));
        Assert.Null(grant.TargetId);
        Assert.Equal(ShareTokenState.Valid, Tokens().Check(token, grant));
    }

    [Fact]
    public void A_token_whose_payload_names_another_target_under_the_same_signature_is_forged()
    {
        var token = Tokens().Issue(Link(ShareScope.Target, "home-1", "gw"));
        var other = Tokens().Issue(Link(ShareScope.Target, "home-1", "nas") with { });
        var swapped = other.Split('.')[0] + "." + token.Split('.')[1];

        Assert.True(ShareLinkTokens.TryRead(swapped, out var grant, out _));
        Assert.Equal("nas", grant.Item);
        Assert.Equal(ShareTokenState.Forged, Tokens().Check(swapped, grant));
    }

    [Fact]
    public void A_token_with_a_target_scope_rewritten_to_pack_is_forged()
    {
        var link = Link(ShareScope.Target, "home-1", "gw");
        var token = Tokens().Issue(link);
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));
        var rewritten = payload.Replace("\nTarget\n", "\nPack\n", StringComparison.Ordinal).Replace("\nZ3c\n", "\nweek/2026-W09\n", StringComparison.Ordinal);
        var tampered = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rewritten)) + "." + token.Split('.')[1];

        Assert.True(ShareLinkTokens.TryRead(tampered, out var grant, out _));
        Assert.Equal(ShareScope.Pack, grant.Scope);
        Assert.Equal(ShareTokenState.Forged, Tokens().Check(tampered, grant));
    }

    [Fact]
    public void A_token_with_its_expiry_moved_later_is_forged()
    {
        var link = Link(ShareScope.Target, "home-1", "gw");
        var token = Tokens().Issue(link);
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));
        var later = payload[..(payload.LastIndexOf('\n') + 1)] + link.ExpiresAt.AddDays(365).ToUnixTimeSeconds();
        var tampered = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(later)) + "." + token.Split('.')[1];

        Assert.True(ShareLinkTokens.TryRead(tampered, out var grant, out _));
        Assert.Equal(ShareTokenState.Forged, Tokens().Check(tampered, grant));
    }

    [Fact]
    public void A_token_with_one_signature_character_changed_is_forged()
    {
        var token = Tokens().Issue(Link(ShareScope.Target, "home-1", "gw"));
        var last = token[^2];
        var changed = token[..^2] + (last == 'A' ? 'B' : 'A') + token[^1];

        Assert.True(ShareLinkTokens.TryRead(changed, out var grant, out _));
        Assert.Equal(ShareTokenState.Forged, Tokens().Check(changed, grant));
    }

    [Fact]
    public void A_token_made_with_another_key_is_forged_and_without_a_key_nothing_checks()
    {
        var token = Tokens("another-key-of-at-least-thirty-two-characters!!").Issue(Link(ShareScope.Target, "home-1", "gw"));
        Assert.True(ShareLinkTokens.TryRead(token, out var grant, out _));

        Assert.Equal(ShareTokenState.Forged, Tokens().Check(token, grant));
        Assert.Equal(ShareTokenState.Disabled, Tokens(null).Check(token, grant));
        Assert.False(Tokens(null).Enabled);
    }

    [Fact]
    public void A_token_is_valid_until_its_expiry_and_expired_from_then_on()
    {
        var link = Link(ShareScope.Target, "home-1", "gw");
        var token = Tokens().Issue(link);
        Assert.True(ShareLinkTokens.TryRead(token, out var grant, out _));

        _time.SetUtcNow(link.ExpiresAt.AddSeconds(-1));
        Assert.Equal(ShareTokenState.Valid, Tokens().Check(token, grant));
        _time.SetUtcNow(link.ExpiresAt);
        Assert.Equal(ShareTokenState.Expired, Tokens().Check(token, grant));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("bnAtc2hhcmUtMQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_the_server_cannot_have_made_is_refused_unread_with_a_reason(string token)
    {
        Assert.False(ShareLinkTokens.TryRead(token, out _, out var problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public void A_token_longer_than_any_made_here_is_refused_before_it_is_decoded()
    {
        Assert.False(ShareLinkTokens.TryRead(new string('A', ShareLinkTokens.MaxLength + 1), out _, out var problem));
        Assert.Contains("at most", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_ids_are_random_and_of_one_shape()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ShareLinkTokens.NewId()).ToList();

        Assert.Equal(100, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(ShareLinkTokens.IsLinkId(id)));
        Assert.False(ShareLinkTokens.IsLinkId("home-1~Z3c"));
    }

    [Theory]
    [InlineData("week", "2026-W13", null)]
    [InlineData("month", "2026-03", null)]
    [InlineData("week", "2026-W54", "2026-W13")]
    [InlineData("month", "2026-13", "2026-03")]
    [InlineData("year", "2026", "week or month")]
    public void A_pack_is_a_week_or_a_month_written_as_its_id(string kind, string period, string? problem)
    {
        var said = SharePack.Problem(kind, period);

        if (problem is null)
        {
            Assert.Null(said);
        }
        else
        {
            Assert.Contains(problem, said, StringComparison.Ordinal);
        }
    }

    private ShareLinkTokens Tokens(string? key = Key) => new(Options.Create(new AcknowledgeLinkOptions { AcknowledgeKey = key }), _time);

    private static ShareLink Link(ShareScope scope, string probeId, string item) => new()
    {
        Id = ShareLinkTokens.NewId(),
        Scope = scope,
        ProbeId = probeId,
        Item = item,
        DataFrom = Now.AddDays(-30),
        CreatedAt = Now,
        CreatedBy = "Ana Admin",
        ExpiresAt = Now.AddDays(7),
    };
}
