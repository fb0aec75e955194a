using NetPulse.Monitoring.Api;

namespace NetPulse.Monitoring.Tests.Api;

public sealed class TargetIdsTests
{
    [Theory]
    [InlineData("home-1", "gw", "home-1~Z3c")]
    [InlineData("a.b_c-d", "web/1 #?", null)]
    [InlineData("p", "=HYPERLINK(\"x\")", null)]
    [InlineData("p", "Zürich ✓ 東京", null)]
    public void An_id_is_url_safe_and_parses_back_to_probe_and_name(string probeId, string name, string? expected)
    {
        var id = TargetIds.Format(probeId, name);

        if (expected is not null)
        {
            Assert.Equal(expected, id);
        }

        Assert.Equal(id, Uri.EscapeDataString(id));
        Assert.True(TargetIds.TryParse(id, out var probe, out var parsed, out var problem), problem);
        Assert.Equal((probeId, name), (probe, parsed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("home-1")]
    [InlineData("home-1~")]
    [InlineData("~Z3c")]
    [InlineData("home 1~Z3c")]
    [InlineData("home-1~Z3c=")]
    [InlineData("home-1~Z3d")]
    [InlineData("home-1~Z3c~")]
    [InlineData("home-1~_w")]
    public void Anything_else_is_refused_with_a_reason(string? id)
    {
        Assert.False(TargetIds.TryParse(id, out _, out _, out var problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }
}
