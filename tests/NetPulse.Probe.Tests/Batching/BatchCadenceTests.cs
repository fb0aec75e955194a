using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Batching;

/// <summary>
/// The close rule on a controlled clock: targets at 1 Hz, phased 100 ms apart, read every 100 ms as the batcher
/// drains, closing whenever the cadence says the open batch is due.
/// </summary>
public sealed class BatchCadenceTests
{
    private const int Reply = 2_000; // 2 ms, well under every threshold
    private const int Failed = -(int)PingStatus.Timeout;
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Calm = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Urgent = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CalmAfter = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(T0);

    [Fact]
    public void A_calm_stream_closes_one_batch_per_calm_window_once_the_start_has_settled()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(5));

        run.For(TimeSpan.FromMinutes(10), (_, _) => Reply);

        // A start counts as a change: short windows until calm for CalmAfter, then one batch a minute.
        Assert.All(run.Gaps(T0, T0 + CalmAfter), g => Assert.Equal(Urgent, g));
        Assert.All(run.Gaps(T0 + CalmAfter, T0.AddMinutes(10)), g => Assert.Equal(Calm, g));
        Assert.InRange(run.Closes.Count(c => c > T0 + CalmAfter), 7, 9);
    }

    [Fact]
    public void Calm_windows_of_a_minute_close_on_the_backend_grid_a_lead_before_each_minute()
    {
        _time.Advance(TimeSpan.FromSeconds(17.3)); // a start at an odd second
        var start = _time.GetUtcNow();
        var run = new CadenceRun(_time, TestTargets.Plain(5), new CalmTicks(Calm, TimeSpan.FromSeconds(5), () => TimeSpan.Zero));

        run.For(TimeSpan.FromMinutes(10), (_, _) => Reply);

        var calm = run.Closes.Select((at, i) => (At: at, Tick: run.Ticks[i])).Where(c => c.At > start + CalmAfter).ToList();
        Assert.InRange(calm.Count, 7, 9);
        Assert.All(calm, c => Assert.Equal(55, c.At.Second));
        Assert.All(calm, c => Assert.Equal(c.At.AddSeconds(5), c.Tick));
        Assert.All(calm, c => Assert.Equal(0, c.Tick!.Value.Second));
        Assert.All(run.Gaps(calm[0].At, start.AddMinutes(10)), g => Assert.Equal(Calm, g));
        // The short windows after the start are not calm: they go to the polled queue.
        Assert.All(run.Ticks.Take(run.Closes.Count(c => c <= start + CalmAfter)), t => Assert.Null(t));
    }

    [Fact]
    public void A_change_leaves_the_grid_at_once_and_calm_windows_return_to_it()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(3), new CalmTicks(Calm, TimeSpan.FromSeconds(5), () => TimeSpan.FromSeconds(3)));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        var beforeFailure = run.Closes.Count;

        run.For(TimeSpan.FromSeconds(5), (t, _) => t == 2 ? Failed : Reply);
        run.For(TimeSpan.FromMinutes(6), (_, _) => Reply);

        var failure = run.Closes[beforeFailure];
        Assert.Equal(T0.AddMilliseconds(180_200), failure);
        Assert.Null(run.Ticks[beforeFailure]);
        // This machine's clock is 3 s ahead of the backend's: the grid is the backend's :55, here :58.
        var back = run.Closes.Select((at, i) => (At: at, Tick: run.Ticks[i])).Where(c => c.Tick is not null && c.At > failure).ToList();
        Assert.NotEmpty(back);
        Assert.All(back, c => Assert.Equal(58, c.At.Second));
        Assert.All(back, c => Assert.Equal(3, c.Tick!.Value.Second));
        Assert.True(back[0].At - failure >= CalmAfter, "calm windows return only after CalmAfter without trouble");
    }

    [Fact]
    public void A_first_failure_closes_the_open_batch_at_once()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(3));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        var lastCalmClose = run.Closes[^1];

        var failedAt = T0.AddMilliseconds(180_200); // target 2's round, 200 ms into the second
        run.For(TimeSpan.FromSeconds(5), (t, _) => t == 2 ? Failed : Reply);

        Assert.True(lastCalmClose < failedAt - TimeSpan.FromSeconds(5), "the calm window should not have closed just now by itself");
        Assert.Equal(failedAt, run.Closes.First(c => c > lastCalmClose));

        // The failure, its third round in a row (3 of 60 is the 5 % loss threshold) and its fifth, on which a clean
        // line's down incident opens at 1 s.
        Assert.Equal(3, run.Changes);
    }

    [Fact]
    public void A_reply_after_failures_closes_at_once()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(3));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        run.For(TimeSpan.FromSeconds(25), (t, _) => t == 1 ? Failed : Reply);
        var closesBefore = run.Closes.Count;
        var recoveredAt = _time.GetUtcNow().AddMilliseconds(100); // target 1's round

        run.For(TimeSpan.FromSeconds(2), (_, _) => Reply);

        // At once, not at the end of the short window that began with the failure (180.1 + 3 × 10 s).
        Assert.Equal(recoveredAt, run.Closes[closesBefore]);
        Assert.Equal(T0.AddMilliseconds(205_100), recoveredAt);
        Assert.Equal(6, run.Changes); // failure, third, fifth and tenth failure, first reply, second reply (resolves a down incident)
    }

    [Fact]
    public void A_lossy_target_keeps_short_windows_and_each_loss_closes_at_once()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(4));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        var from = _time.GetUtcNow();

        // One round in ten lost: 10 % over the last 60 rounds, above the 5 % default threshold.
        run.For(TimeSpan.FromMinutes(5), (t, second) => t == 3 && second % 10 == 0 ? Failed : Reply);

        var gaps = run.Gaps(from, _time.GetUtcNow());
        Assert.All(gaps, g => Assert.InRange(g, MinGap, Urgent));
        Assert.InRange(run.Changes, 3 * 30, (3 * 30) + 2); // each loss, the reply after it and the second reply
    }

    [Fact]
    public void A_target_over_its_latency_threshold_closes_at_once_and_keeps_short_windows()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(2));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        var slowFrom = _time.GetUtcNow();

        // Target 0 has a 50 ms threshold of its own, and stays under it; target 1 has the backend's default, 150 ms.
        run.For(TimeSpan.FromMinutes(4), (t, _) => t == 1 ? 160_000 : 40_000);

        Assert.Equal(slowFrom.AddMilliseconds(100), run.Closes.First(c => c > slowFrom));
        Assert.All(run.Gaps(slowFrom.AddMilliseconds(100), _time.GetUtcNow()), g => Assert.Equal(Urgent, g));
        Assert.Equal(1, run.Changes);
    }

    [Fact]
    public void The_failures_in_a_row_that_may_open_a_down_incident_and_loss_reaching_the_threshold_are_changes_too()
    {
        var cadence = new BatchCadence(Options(), TestTargets.Plain(2), T0);
        for (var round = 0; round < 100; round++)
        {
            Assert.False(cadence.Observe(0, Reply, T0.AddSeconds(round)));
            Assert.False(cadence.Observe(1, Reply, T0.AddSeconds(round)));
        }

        // Target 1 has the default 5 % threshold, target 0 a 2.5 % one of its own.
        Assert.True(cadence.Observe(1, Failed, T0.AddSeconds(100)));   // a failure after a reply: 1/60
        Assert.False(cadence.Observe(1, Failed, T0.AddSeconds(101)));  // still failing: 2/60, under 5 %
        Assert.True(cadence.Observe(1, Failed, T0.AddSeconds(102)));   // the third in a row opens a down incident
        Assert.False(cadence.Observe(1, Failed, T0.AddSeconds(103)));
        Assert.True(cadence.Observe(1, Failed, T0.AddSeconds(104)));   // the fifth: at 1 s a clean line's down run lasts 5 s
        for (var round = 105; round < 109; round++)
        {
            Assert.False(cadence.Observe(1, Failed, T0.AddSeconds(round)));
        }

        Assert.True(cadence.Observe(1, Failed, T0.AddSeconds(109)));   // the tenth: the cap a lossy line's down run waits for
        Assert.True(cadence.Observe(0, Failed, T0.AddSeconds(100)));
        Assert.True(cadence.Observe(0, Failed, T0.AddSeconds(101)));   // 2/60 = 3.3 %: over target 0's 2.5 %
    }

    [Fact]
    public void Calm_again_after_calm_after_the_last_trouble()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(3));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        // Two lost rounds: 2 of 60 stays under the 5 % loss threshold, so the second reply after them is the last change.
        run.For(TimeSpan.FromSeconds(2), (t, _) => t == 1 ? Failed : Reply);
        var lastTrouble = _time.GetUtcNow().AddMilliseconds(1100);

        run.For(TimeSpan.FromMinutes(8), (_, _) => Reply);

        // Short windows until two minutes after target 1's second reply, then calm ones.
        var settled = lastTrouble + CalmAfter;
        Assert.All(run.Gaps(lastTrouble, settled), g => Assert.True(g <= Urgent, $"gap {g} while not yet calm"));
        Assert.All(run.Gaps(settled, _time.GetUtcNow()), g => Assert.Equal(Calm, g));
        Assert.True(run.Gaps(settled, _time.GetUtcNow()).Count >= 4);
    }

    [Fact]
    public void A_burst_of_changes_closes_at_most_one_batch_a_second_and_loses_no_change()
    {
        var run = new CadenceRun(_time, TestTargets.Plain(100));
        run.For(TimeSpan.FromMinutes(3), (_, _) => Reply);
        var from = _time.GetUtcNow();

        // A hundred targets flap (down one second, up the next) for 30 s: ten changes every 100 ms.
        run.For(TimeSpan.FromSeconds(30), (t, second) => (second + t) % 2 == 0 ? Failed : Reply);
        var to = _time.GetUtcNow();

        var closes = run.Closes.Where(c => c > from && c <= to).ToList();
        Assert.All(run.Gaps(from, to), g => Assert.True(g >= MinGap, $"two closes {g} apart"));
        Assert.InRange(closes.Count, 28, 31);
        Assert.True(run.Changes >= 100 * 29);
    }

    [Fact]
    public void A_change_soon_after_a_close_waits_for_the_one_second_gap_and_is_not_dropped()
    {
        var cadence = new BatchCadence(Options(), TestTargets.Plain(2), T0);
        cadence.Closed(T0.AddSeconds(30));

        Assert.True(cadence.Observe(1, Failed, T0.AddSeconds(30.2)));

        Assert.Equal(T0.AddSeconds(31), cadence.NextClose);
        Assert.False(cadence.IsCalm(T0.AddSeconds(31)));
    }

    [Fact]
    public void A_zero_calm_after_starts_calm_and_an_unknown_target_changes_nothing()
    {
        var cadence = new BatchCadence(Options(calmAfter: TimeSpan.Zero), TestTargets.Plain(1), T0);

        Assert.False(cadence.Observe(7, Failed, T0.AddSeconds(1)));
        Assert.Equal(T0 + Calm, cadence.NextClose);
        Assert.True(cadence.IsCalm(T0));
    }

    [Theory]
    [InlineData(0, 60, 120)]
    [InlineData(20, 10, 120)]
    [InlineData(10, 60, -1)]
    public void Windows_that_make_no_sense_are_refused(int urgentSeconds, int calmSeconds, int calmAfterSeconds)
    {
        var options = new BatchingOptions
        {
            UrgentWindow = TimeSpan.FromSeconds(urgentSeconds),
            CalmWindow = TimeSpan.FromSeconds(calmSeconds),
            CalmAfter = TimeSpan.FromSeconds(calmAfterSeconds),
        };

        var error = Assert.Throws<ArgumentException>(() => new BatchCadence(options, TestTargets.Plain(1), T0));

        Assert.Contains("Probe:Batching", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, new[] { 3, 5, 10 })]
    [InlineData(2, new[] { 3, 5 })]
    [InlineData(10, new[] { 3 })]
    public void The_runs_that_may_open_a_down_incident_follow_the_backend_rule_for_the_interval(int intervalSeconds, int[] runs) =>
        Assert.Equal(runs, BatchCadence.DownDecidingRuns(TimeSpan.FromSeconds(intervalSeconds)).Order());

    private static TimeSpan MinGap => BatchCadence.MinUrgentGap;

    private static BatchingOptions Options(TimeSpan? calmAfter = null) =>
        new() { CalmWindow = Calm, UrgentWindow = Urgent, CalmAfter = calmAfter ?? CalmAfter };

    /// <summary>The batcher's loop in miniature: every 100 ms, read the rounds due, then close if due.</summary>
    private sealed class CadenceRun(FakeTimeProvider time, IReadOnlyList<ProbeTarget> targets, CalmTicks? calmTicks = null)
    {
        private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
        private readonly BatchCadence _cadence = new(Options(), targets, time.GetUtcNow(), calmTicks);
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public List<DateTimeOffset> Closes { get; } = [];

        /// <summary>The backend tick each close aimed at, null for a close off the calm grid.</summary>
        public List<DateTimeOffset?> Ticks { get; } = [];

        public int Changes { get; private set; }

        /// <param name="value">A target's value in a second since the run started.</param>
        public void For(TimeSpan duration, Func<int, int, int> value)
        {
            for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Step)
            {
                time.Advance(Step);
                var now = time.GetUtcNow();
                var sinceStart = now - _start;
                var second = (int)sinceStart.TotalSeconds;
                var phase = (int)Math.Round(sinceStart.TotalMilliseconds / Step.TotalMilliseconds) % 10;
                foreach (var target in targets.Where(t => t.Index % 10 == phase))
                {
                    Changes += _cadence.Observe(target.Index, value(target.Index, second), now) ? 1 : 0;
                }

                if (now >= _cadence.NextClose)
                {
                    Ticks.Add(_cadence.CalmTick);
                    Closes.Add(now);
                    _cadence.Closed(now);
                }
            }
        }

        /// <summary>The times between consecutive closes that both fall in [from, to].</summary>
        public List<TimeSpan> Gaps(DateTimeOffset from, DateTimeOffset to)
        {
            var inside = Closes.Where(c => c >= from && c <= to).ToList();
            return [.. inside.Zip(inside.Skip(1), (a, b) => b - a)];
        }
    }
}
