using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class EngineRulesTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_target_that_starts_at_once_is_due_at_the_start_while_the_others_keep_their_names_phase()
    {
        // A start one millisecond past the name's phase: on its grid the target's first round is 999 ms away.
        var phase = PingSchedule.FirstDue("127.0.0.1", Second, DateTimeOffset.UnixEpoch);
        var start = DateTimeOffset.UnixEpoch.AddDays(20_000) + phase + TimeSpan.FromMilliseconds(1);
        ProbeTarget[] targets = [Target(0, "127.0.0.1", startAtOnce: false), Target(1, "127.0.0.1", startAtOnce: true)];

        var first = EngineRules.FirstDue(targets, [Second, Second], start);

        Assert.Equal(TimeSpan.FromMilliseconds(999), first[0]);
        Assert.Equal(TimeSpan.Zero, first[1]);
    }

    private static ProbeTarget Target(int index, string name, bool startAtOnce) => new()
    {
        Index = index,
        Settings = new TargetSettings { Name = name, Host = "127.0.0.1", IntervalMs = 1000 },
        Timeout = TimeSpan.FromMilliseconds(500),
        StartAtOnce = startAtOnce,
    };
}
