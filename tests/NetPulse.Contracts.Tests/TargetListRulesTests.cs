using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

/// <summary>The rules every target list obeys, wherever it comes from (file, API, import, the list a probe fetches).</summary>
public sealed class TargetListRulesTests
{
    [Fact]
    public void A_valid_list_has_no_problems()
    {
        Assert.Empty(TargetListRules.Problems([Target("gw") with { Uplink = true }, Target("dns", "one.one.one.one"), Target("v6", "2001:db8::1") with { TimeoutMs = 900 }]));
    }

    [Theory]
    [InlineData("1.2", "host", "is not an IPv4 or IPv6 address or a DNS name")]
    [InlineData("exa mple.com", "host", "is not an IPv4 or IPv6 address or a DNS name")]
    [InlineData("a\u202Eb.example", "host", "must not contain U+202E")]
    [InlineData("", "host", "must be 1-253 characters")]
    public void A_host_a_probe_cannot_ping_is_named(string host, string field, string expected)
    {
        var problem = Assert.Single(TargetListRules.Problems([Target("gw", host)]));

        Assert.Equal((0, field), (problem.Index!.Value, problem.Field));
        Assert.Contains(expected, problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_unique_ignoring_case_and_the_second_is_blamed()
    {
        var problem = Assert.Single(TargetListRules.Problems([Target("GW"), Target("dns"), Target("gw")]));

        Assert.Equal(2, problem.Index);
        Assert.Equal("name", problem.Field);
        Assert.Contains("taken by target 0", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_enabled_uplink_is_refused_but_a_disabled_one_is_not()
    {
        Assert.Empty(TargetListRules.Problems([Target("a") with { Uplink = true }, Target("b") with { Uplink = true, Enabled = false }]));

        var problem = Assert.Single(TargetListRules.Problems([Target("a") with { Uplink = true }, Target("b") with { Uplink = true }]));
        Assert.Equal((1, "uplink"), (problem.Index!.Value, problem.Field));
    }

    [Fact]
    public void A_timeout_longer_than_the_interval_is_refused()
    {
        var problem = Assert.Single(TargetListRules.Problems([Target("a") with { TimeoutMs = 1500 }]));

        Assert.Equal("timeoutMs", problem.Field);
        Assert.Contains("longer than the interval (1000 ms)", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_problems_come_through_with_their_field()
    {
        var problems = TargetListRules.Problems([Target("a") with { IntervalMs = 10, LossThresholdPercent = 0 }]).ToList();

        Assert.Contains(problems, p => p.Field == "intervalMs");
        Assert.Contains(problems, p => p.Field == "lossThresholdPercent");
    }

    [Fact]
    public void More_targets_than_allowed_is_a_problem_of_the_list()
    {
        var problem = Assert.Single(TargetListRules.Problems([Target("a"), Target("b"), Target("c")], maxTargets: 2));

        Assert.Null(problem.Index);
        Assert.Contains("3 targets are more than the 2", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_survives_json()
    {
        var list = new ManagedTargetList { ProbeId = "home-1", Version = "\"v1\"", Targets = [Target("gw") with { Enabled = false, TimeoutMs = 500, Category = "lan" }] };

        var read = ManagedTargetList.FromJson(list.ToJson());

        Assert.Equal(list.ProbeId, read.ProbeId);
        Assert.Equal(list.Version, read.Version);
        Assert.Equal(list.Targets, read.Targets);
    }

    [Fact]
    public void A_target_without_enabled_in_json_is_enabled()
    {
        var read = ManagedTargetList.FromJson("{\"probeId\":\"p\",\"version\":\"v\",\"targets\":[{\"name\":\"gw\",\"host\":\"192.0.2.1\",\"intervalMs\":1000}]}"u8);

        Assert.True(Assert.Single(read.Targets).Enabled);
    }

    private static ManagedTarget Target(string name, string host = "192.0.2.1") => new() { Name = name, Host = host, IntervalMs = 1000 };
}
