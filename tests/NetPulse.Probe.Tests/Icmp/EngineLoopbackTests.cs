using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// Both engines against real sockets on loopback (nothing else is pinged): the same scenarios, one
/// subclass per engine so xunit runs them in parallel.
/// </summary>
public abstract class EngineLoopbackTests(ITestOutputHelper output)
{
    protected const int Rounds = 3;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Overridden with [RawSocketFact] or [Fact]: xunit needs the attribute on the method it runs.</summary>
    public virtual async Task Loopback_targets_of_both_families_answer_on_an_exact_one_second_schedule()
    {
        string[] hosts = ["127.0.0.1", "::1", "127.0.1.2", "127.0.3.4"];
        var engine = CreateEngine();
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(engine, hosts))
        {
            byTarget = await run.WaitForSamplesAsync(hosts.Length, Rounds);
        }

        for (var target = 0; target < hosts.Length; target++)
        {
            var samples = byTarget[target];
            Output.WriteLine($"{hosts[target]}: {string.Join(", ", samples.Select(s => $"{s.Status} {s.Rtt?.TotalMilliseconds:0.000} ms late {s.Lateness.TotalMilliseconds:0.000} ms"))}");
            // Generous bounds: loopback answers in well under a millisecond, but these tests share two cores with
            // whatever else runs; the exact-schedule checks below are the strict ones.
            Assert.All(samples, s => Assert.Equal(PingStatus.Ok, s.Status));
            Assert.All(samples, s => Assert.InRange(s.Rtt!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(250)));
            Assert.All(samples, s => Assert.InRange(s.Lateness, TimeSpan.Zero, TimeSpan.FromMilliseconds(250)));
            Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.Equal(EngineHarness.Interval, pair.Second.ScheduledAt - pair.First.ScheduledAt));
            Assert.Equal(samples.Count, samples.Select(s => s.ScheduledAt.ToUnixTimeSeconds()).Distinct().Count());
        }

        // Phase offsets: each target's rounds sit on a grid of its own, taken from its name (so a restart on a
        // changed target list keeps them): whole UTC milliseconds at the name's phase within the interval.
        for (var target = 0; target < hosts.Length; target++)
        {
            var first = byTarget[target][0].ScheduledAt;
            var name = $"target-{target}";
            Assert.Equal(TimeSpan.Zero, PingSchedule.FirstDue(name, EngineHarness.Interval, first));
        }

        var stats = engine.Stats.Snapshot();
        Output.WriteLine(stats.ToString());
        Assert.True(stats.Received >= hosts.Length * Rounds, $"received {stats.Received}");
        Assert.True(stats.Sent >= stats.Received, $"sent {stats.Sent}, received {stats.Received}");
        Assert.Equal(0, stats.Timeouts + stats.SendFailed + stats.ResolveFailed + stats.DroppedSamples);
        Assert.InRange(stats.LatenessP99, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    public virtual async Task A_name_that_does_not_resolve_gives_resolve_failed_rounds_beside_working_ones()
    {
        var engine = CreateEngine();
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(engine, "nonexistent.invalid", "127.0.0.1"))
        {
            byTarget = await run.WaitForSamplesAsync(2, 2);
        }

        Assert.All(byTarget[0], s => Assert.Equal(PingStatus.ResolveFailed, s.Status));
        Assert.All(byTarget[0], s => Assert.Null(s.Rtt));
        Assert.All(byTarget[1], s => Assert.Equal(PingStatus.Ok, s.Status));
        Assert.True(engine.Stats.Snapshot().ResolveFailed >= 2);
    }

    public virtual async Task A_request_the_kernel_refuses_to_send_is_send_failed()
    {
        // The loopback broadcast address: without SO_BROADCAST the kernel refuses it (EACCES), so nothing is sent.
        var engine = CreateEngine();
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(engine, "127.255.255.255", "127.0.0.1"))
        {
            byTarget = await run.WaitForSamplesAsync(2, 2);
        }

        Output.WriteLine(string.Join(", ", byTarget[0].Select(s => s.Status)));
        Assert.All(byTarget[0], s => Assert.Equal(PingStatus.SendFailed, s.Status));
        Assert.All(byTarget[1], s => Assert.Equal(PingStatus.Ok, s.Status));
    }

    public virtual async Task A_wall_clock_step_restamps_the_following_rounds_within_seconds_in_a_new_clock_epoch()
    {
        // Real time, real sockets; only the wall clock is stepped, as NTP steps a Pi's clock after boot.
        var clock = new SteppedWallClock(TimeProvider.System);
        var log = new TestLog(Output, LogLevel.Debug);
        var step = TimeSpan.FromHours(-2);
        List<PingSample> samples;
        await using (var run = EngineHarness.Start(CreateFactory(clock, log).Create(Choice), "127.0.0.1"))
        {
            var before = (await run.WaitForSamplesAsync(1, 2))[0].Count;
            clock.Step(step);
            samples = [.. (await run.WaitForSamplesAsync(1, before + 4))[0].OrderBy(s => s.ClockEpoch).ThenBy(s => s.ScheduledAt)];
        }

        Output.WriteLine(string.Join("\n", samples.Select(s => $"epoch {s.ClockEpoch} {s.ScheduledAt:O} {s.Status}")));
        Assert.All(samples, s => Assert.Equal(PingStatus.Ok, s.Status));
        var old = samples.Where(s => s.ClockEpoch == 0).ToList();
        var corrected = samples.Where(s => s.ClockEpoch == 1).ToList();
        Assert.Equal(samples.Count, old.Count + corrected.Count);

        // Re-anchored within a check interval and a round of the step: at most two rounds on the old stamps after it.
        Assert.InRange(corrected.Count, 2, samples.Count);
        Assert.All(corrected.Zip(corrected.Skip(1)), pair => Assert.Equal(EngineHarness.Interval, pair.Second.ScheduledAt - pair.First.ScheduledAt));

        // The next round after the step is stamped exactly the step earlier than the old clock would have put it.
        var gap = corrected[0].ScheduledAt - old[^1].ScheduledAt - step;
        Assert.InRange(gap, EngineHarness.Interval - TimeSpan.FromMilliseconds(5), EngineHarness.Interval + TimeSpan.FromMilliseconds(5));
        var warning = Assert.Single(log.AtLeast(LogLevel.Warning), w => w.Message.Contains("stepped", StringComparison.Ordinal));
        Assert.Equal("backwards", warning.Properties["Direction"]);
    }

    public virtual async Task The_one_shot_ping_prints_each_reply_and_a_summary()
    {
        var output = new StringWriter();

        var exitCode = await CreatePinger().RunAsync("127.0.0.1", 2, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), output, CancellationToken.None);

        Output.WriteLine(output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(0, exitCode);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("PING 127.0.0.1 (127.0.0.1)", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^reply from 127\.0\.0\.1: seq=1 time=\d+\.\d{3} ms$", lines[1]);
        Assert.Matches(@"^reply from 127\.0\.0\.1: seq=2 time=\d+\.\d{3} ms$", lines[2]);
        Assert.Matches(@"^2 sent, 2 received, 0% loss, rtt min/avg/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms$", lines[3]);
    }

    public virtual async Task The_one_shot_ping_sends_its_first_echo_at_once_not_at_the_names_phase()
    {
        // On its name's grid the first round could be up to an interval (here 1 s) away; the one-off ping starts at phase 0.
        var output = new StampedWriter();
        var started = System.Diagnostics.Stopwatch.StartNew();

        var exitCode = await CreatePinger().RunAsync("127.0.0.1", 1, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), output, CancellationToken.None);

        var reply = Assert.Single(output.Lines, l => l.Line.StartsWith("reply from", StringComparison.Ordinal));
        Output.WriteLine($"first reply after {reply.At.TotalMilliseconds:0.0} ms");
        Assert.Equal(0, exitCode);
        Assert.InRange(reply.At, TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"the one-round ping took {started.Elapsed}");
    }

    public virtual async Task The_one_shot_ping_of_a_name_that_does_not_resolve_fails()
    {
        var output = new StringWriter();

        var exitCode = await CreatePinger().RunAsync("nonexistent.invalid", 2, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), output, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("ping: cannot resolve nonexistent.invalid: ", output.ToString(), StringComparison.Ordinal);
    }

    protected abstract PingEngineChoice Choice { get; }

    /// <summary>Keeps each line with the time since the writer was made.</summary>
    private sealed class StampedWriter : StringWriter
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public List<(string Line, TimeSpan At)> Lines { get; } = [];

        public override Task WriteLineAsync(string? value)
        {
            lock (Lines)
            {
                Lines.Add((value ?? "", _clock.Elapsed));
            }

            return base.WriteLineAsync(value);
        }
    }

    protected IPingEngine CreateEngine() => CreateFactory().Create(Choice);

    protected PingEngineFactory CreateFactory(TimeProvider? time = null, TestLog? log = null) =>
        new(OfflineResolver(), Options.Create(new ProbeOptions()), time ?? TimeProvider.System, log ?? new TestLog(Output, LogLevel.Debug));

    private OneShotPinger CreatePinger() => new(CreateFactory(), OfflineResolver(), Choice);

    /// <summary>
    /// A resolver that never asks a DNS server: these tests may send nothing beyond loopback, and a lookup of
    /// a missing name would go to the machine's resolver.
    /// </summary>
    private static TargetResolver OfflineResolver() => new((host, _) => host == "localhost"
        ? Task.FromResult(new[] { System.Net.IPAddress.Loopback })
        : Task.FromException<System.Net.IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)));
}

public sealed class RawSocketEngineLoopbackTests(ITestOutputHelper output) : EngineLoopbackTests(output)
{
    protected override PingEngineChoice Choice => PingEngineChoice.RawSocket;

    [RawSocketFact]
    public override Task Loopback_targets_of_both_families_answer_on_an_exact_one_second_schedule() =>
        base.Loopback_targets_of_both_families_answer_on_an_exact_one_second_schedule();

    [RawSocketFact]
    public override Task A_name_that_does_not_resolve_gives_resolve_failed_rounds_beside_working_ones() =>
        base.A_name_that_does_not_resolve_gives_resolve_failed_rounds_beside_working_ones();

    [RawSocketFact]
    public override Task A_request_the_kernel_refuses_to_send_is_send_failed() =>
        base.A_request_the_kernel_refuses_to_send_is_send_failed();

    [RawSocketFact]
    public override Task A_wall_clock_step_restamps_the_following_rounds_within_seconds_in_a_new_clock_epoch() =>
        base.A_wall_clock_step_restamps_the_following_rounds_within_seconds_in_a_new_clock_epoch();

    [RawSocketFact]
    public override Task The_one_shot_ping_prints_each_reply_and_a_summary() =>
        base.The_one_shot_ping_prints_each_reply_and_a_summary();

    [RawSocketFact]
    public override Task The_one_shot_ping_sends_its_first_echo_at_once_not_at_the_names_phase() =>
        base.The_one_shot_ping_sends_its_first_echo_at_once_not_at_the_names_phase();

    [RawSocketFact]
    public override Task The_one_shot_ping_of_a_name_that_does_not_resolve_fails() =>
        base.The_one_shot_ping_of_a_name_that_does_not_resolve_fails();

    [RawSocketFact]
    public async Task Two_engines_pinging_one_address_each_count_only_their_own_replies()
    {
        // Each raw socket sees every ICMP message on the machine, the other engine's replies included.
        var first = CreateEngine();
        var second = CreateEngine();
        IReadOnlyList<IReadOnlyList<PingSample>> firstSamples;
        IReadOnlyList<IReadOnlyList<PingSample>> secondSamples;
        await using (var firstRun = EngineHarness.Start(first, "127.0.0.1"))
        await using (var secondRun = EngineHarness.Start(second, "127.0.0.1"))
        {
            firstSamples = await firstRun.WaitForSamplesAsync(1, Rounds);
            secondSamples = await secondRun.WaitForSamplesAsync(1, Rounds);
        }

        var firstStats = first.Stats.Snapshot();
        var secondStats = second.Stats.Snapshot();
        Output.WriteLine($"first: {firstStats}\nsecond: {secondStats}");
        Assert.All(firstSamples[0].Concat(secondSamples[0]), s => Assert.Equal(PingStatus.Ok, s.Status));
        // The first engine's first round may leave before the second engine's socket exists: one round fewer.
        Assert.True(firstStats.ForeignMessages >= Rounds - 1, $"first engine saw {firstStats.ForeignMessages} foreign messages");
        Assert.True(secondStats.ForeignMessages >= Rounds - 1, $"second engine saw {secondStats.ForeignMessages} foreign messages");
        Assert.Equal(firstStats.Sent, firstStats.Received + firstStats.Timeouts);
        Assert.Equal(0, firstStats.UnexpectedReplies + secondStats.UnexpectedReplies);
    }

    [RawSocketFact]
    public void The_factory_picks_the_raw_socket_engine_where_it_may_open_the_socket()
    {
        var factory = new PingEngineFactory(new TargetResolver(), Options.Create(new ProbeOptions()), TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Equal(RawSocketPingEngine.EngineName, factory.Create().Name);
        Assert.Equal(PingClassPingEngine.EngineName, factory.Create(PingEngineChoice.PingClass).Name);
    }
}

public sealed class PingClassEngineLoopbackTests(ITestOutputHelper output) : EngineLoopbackTests(output)
{
    protected override PingEngineChoice Choice => PingEngineChoice.PingClass;

    [Fact]
    public override Task Loopback_targets_of_both_families_answer_on_an_exact_one_second_schedule() =>
        base.Loopback_targets_of_both_families_answer_on_an_exact_one_second_schedule();

    [Fact]
    public override Task A_name_that_does_not_resolve_gives_resolve_failed_rounds_beside_working_ones() =>
        base.A_name_that_does_not_resolve_gives_resolve_failed_rounds_beside_working_ones();

    [Fact]
    public override Task A_request_the_kernel_refuses_to_send_is_send_failed() =>
        base.A_request_the_kernel_refuses_to_send_is_send_failed();

    [Fact]
    public override Task A_wall_clock_step_restamps_the_following_rounds_within_seconds_in_a_new_clock_epoch() =>
        base.A_wall_clock_step_restamps_the_following_rounds_within_seconds_in_a_new_clock_epoch();

    [Fact]
    public override Task The_one_shot_ping_prints_each_reply_and_a_summary() =>
        base.The_one_shot_ping_prints_each_reply_and_a_summary();

    [Fact]
    public override Task The_one_shot_ping_sends_its_first_echo_at_once_not_at_the_names_phase() =>
        base.The_one_shot_ping_sends_its_first_echo_at_once_not_at_the_names_phase();

    [Fact]
    public override Task The_one_shot_ping_of_a_name_that_does_not_resolve_fails() =>
        base.The_one_shot_ping_of_a_name_that_does_not_resolve_fails();

    [Fact]
    public async Task Ping_is_warmed_up_on_loopback_before_the_schedule_starts_and_the_warm_up_is_no_sample()
    {
        var log = new TestLog(Output, LogLevel.Debug);
        IReadOnlyList<IReadOnlyList<PingSample>> byTarget;
        await using (var run = EngineHarness.Start(CreateFactory(log: log).Create(Choice), "127.0.0.2"))
        {
            byTarget = await run.WaitForSamplesAsync(1, 2);
        }

        var messages = log.Entries.Select(e => e.Message).ToList();
        var warmedUp = messages.FindIndex(m => m.StartsWith("Ping warmed up on 127.0.0.1: Success", StringComparison.Ordinal));
        var started = messages.FindIndex(m => m.StartsWith("Ping-class ping engine started", StringComparison.Ordinal));
        Assert.InRange(warmedUp, 0, started - 1);
        Assert.DoesNotContain(messages, m => m.StartsWith("Ping warmed up on ::1", StringComparison.Ordinal));
        Assert.All(byTarget[0], s => Assert.Equal(PingStatus.Ok, s.Status));
    }
}
