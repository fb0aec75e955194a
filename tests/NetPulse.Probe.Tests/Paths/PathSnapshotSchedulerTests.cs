using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Batching;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Paths;

public sealed class PathSnapshotSchedulerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestLog _log = new();
    private readonly FinishedPathSnapshots _finished = new();
    private readonly FakePathTracer _tracer;

    public PathSnapshotSchedulerTests()
    {
        _tracer = new FakePathTracer(_time);
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task Trouble_takes_one_snapshot_and_the_cooldown_holds_until_it_has_passed()
    {
        var target = TestTargets.Plain(2)[1];
        using var scheduler = Scheduler();

        Assert.Equal(PathRequestOutcome.Started, scheduler.TroubleBegan(target));
        await _tracer.WaitForCallsAsync(1);
        var snapshot = await TakeFinishedAsync();
        Assert.Equal(("target-1", PathSnapshotReason.Trouble), (snapshot.Target, snapshot.Reason));

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(PathRequestOutcome.CoolingDown, scheduler.TroubleBegan(target));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PathRequestOutcome.Started, scheduler.TroubleBegan(target));
        await _tracer.WaitForCallsAsync(2);
        Assert.Equal([T0, T0.AddMinutes(15)], _tracer.Calls.Select(c => c.At));
    }

    [Fact]
    public async Task One_snapshot_per_target_at_a_time_and_two_in_all()
    {
        var targets = TestTargets.Plain(4);
        using var scheduler = Scheduler();
        _tracer.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.Equal(PathRequestOutcome.Started, scheduler.TroubleBegan(targets[1]));
        Assert.Equal(PathRequestOutcome.Busy, scheduler.TroubleBegan(targets[1]));
        Assert.Equal(PathRequestOutcome.Started, scheduler.TroubleBegan(targets[2]));
        Assert.Equal(PathRequestOutcome.Started, scheduler.TroubleBegan(targets[3]));
        Assert.Equal(PathRequestOutcome.Busy, scheduler.BaselineDue(targets[3]));
        await _tracer.WaitForCallsAsync(2);
        Assert.Equal(2, _tracer.Calls.Count);

        _tracer.Hold.SetResult();
        await _tracer.WaitForCallsAsync(3);
        for (var i = 0; i < 3; i++)
        {
            await TakeFinishedAsync();
        }

        Assert.Equal(2, _tracer.MostAtOnce);
        Assert.Equal(["target-1", "target-2", "target-3"], _tracer.Calls.Select(c => c.Target));
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_taken_logs_one_line_and_the_next_trigger_tries_again()
    {
        var target = TestTargets.Plain(2)[1];
        using var scheduler = Scheduler();
        _tracer.Failure = "its host nowhere.invalid does not resolve (HostNotFound)";

        scheduler.TroubleBegan(target);
        await _tracer.WaitForCallsAsync(1);
        var warning = await WaitForWarningAsync();
        Assert.Equal("Path snapshot (Trouble) of target-1 not taken: its host nowhere.invalid does not resolve (HostNotFound)", warning.Message);
        Assert.Equal(0, _finished.Count);

        // Not retried on its own; the next trigger (no cooldown: nothing was taken) tries again.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_tracer.Calls);
        _tracer.Failure = null;
        await WaitUntilAsync(() => scheduler.TroubleBegan(target) == PathRequestOutcome.Started);
        await TakeFinishedAsync();
        Assert.Equal(2, _tracer.Calls.Count);
    }

    [Fact]
    public async Task Without_a_raw_socket_snapshots_are_off_and_the_start_says_so_once()
    {
        using var scheduler = Scheduler(unavailable: "a raw ICMP socket was refused (AccessDenied)");

        Assert.False(scheduler.IsOn);
        Assert.Equal(PathRequestOutcome.Off, scheduler.TroubleBegan(TestTargets.Plain(1)[0]));
        await scheduler.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(2));
        await scheduler.StopAsync(CancellationToken.None);

        var line = Assert.Single(_log.AtLeast(LogLevel.Information));
        Assert.StartsWith("Path snapshots are off: they need a raw ICMP socket and a raw ICMP socket was refused (AccessDenied).", line.Message, StringComparison.Ordinal);
        Assert.Empty(_tracer.Calls);
        Assert.Contains("OFF: path snapshots need a raw ICMP socket", PathSnapshotScheduler.Describe(new PathsOptions(), [], "a raw ICMP socket was refused (AccessDenied)"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_it_takes_a_baseline_of_the_uplink_soon_after_start_and_an_hour_later()
    {
        using var scheduler = Scheduler();
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            // The clock moves only once the scheduler's timer is set, to the very moment it is set for.
            await WaitUntilAsync(() => scheduler.NextBaselineAt == T0 + BaselinePlan.FirstAfter);
            _time.Advance(BaselinePlan.FirstAfter);
            await _tracer.WaitForCallsAsync(1);
            var first = await TakeFinishedAsync();
            Assert.Equal(("target-0", PathSnapshotReason.Baseline), (first.Target, first.Reason));

            await WaitUntilAsync(() => scheduler.NextBaselineAt == T0 + BaselinePlan.FirstAfter + TimeSpan.FromHours(1));
            _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
            await Task.Delay(50);
            Assert.Single(_tracer.Calls);
            _time.Advance(TimeSpan.FromSeconds(1));
            await _tracer.WaitForCallsAsync(2);
            Assert.Equal([T0 + BaselinePlan.FirstAfter, T0 + BaselinePlan.FirstAfter + TimeSpan.FromHours(1)], _tracer.Calls.Select(c => c.At));
            Assert.All(_tracer.Calls, c => Assert.Equal("target-0", c.Target));
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Describe_names_the_baseline_targets()
    {
        var line = PathSnapshotScheduler.Describe(new PathsOptions { BaselineTargets = ["target-2"] }, TestTargets.Plain(3), unavailable: null);

        Assert.Equal("  paths:   10 cycles, on trouble (at most one per target per 00:15:00), baseline every 01:00:00 for target-0, target-2; at most 8 per batch", line);
    }

    private PathSnapshotScheduler Scheduler(string? unavailable = null) =>
        new(new PathsOptions(), _finished, new LiveTargets(TestTargets.Plain(3)), _time, _log.For<PathSnapshotScheduler>(), _tracer, unavailable);

    private async Task<PathSnapshot> TakeFinishedAsync()
    {
        await WaitUntilAsync(() => _finished.Count > 0);
        Assert.True(_finished.TryTake(out var snapshot));
        return snapshot;
    }

    private async Task<LogEntry> WaitForWarningAsync()
    {
        await WaitUntilAsync(() => _log.AtLeast(LogLevel.Warning).Any());
        return Assert.Single(_log.AtLeast(LogLevel.Warning));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 20 s");
            await Task.Delay(5);
        }
    }
}
