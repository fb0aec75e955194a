using Microsoft.Extensions.Time.Testing;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class PingScheduleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_thousand_targets_are_spread_over_the_interval_without_a_burst()
    {
        var schedule = NewSchedule(Enumerable.Repeat(Second, 1000));

        var dueOffsets = TakeAllDue(schedule, Second * 3).Select(d => d.DueOffset).ToList();

        Assert.Equal(3000, dueOffsets.Count);
        var busiestSlice = dueOffsets.GroupBy(offset => offset.Ticks / TimeSpan.FromMilliseconds(10).Ticks).Max(g => g.Count());
        Assert.InRange(busiestSlice, 1, 10);
        Assert.Equal(1000, dueOffsets.Where(o => o < Second).Distinct().Count());
    }

    [Fact]
    public void Each_targets_rounds_are_exactly_one_interval_apart()
    {
        TimeSpan[] intervals = [Second, Second * 2, TimeSpan.FromMilliseconds(1500), Second * 60];
        var schedule = NewSchedule(intervals);

        var rounds = TakeAllDue(schedule, TimeSpan.FromMinutes(3));

        foreach (var target in rounds.GroupBy(r => r.Slot))
        {
            var ordered = target.OrderBy(r => r.Round).ToList();
            Assert.Equal(Enumerable.Range(0, ordered.Count).Select(i => (long)i), ordered.Select(r => r.Round));
            Assert.All(ordered.Zip(ordered.Skip(1)), pair => Assert.Equal(intervals[target.Key], pair.Second.DueOffset - pair.First.DueOffset));
        }

        // Phase offsets: target i of n starts at i/n of its interval.
        Assert.Equal(TimeSpan.FromMilliseconds(500), schedule.Phase(1));
        Assert.Equal(TimeSpan.FromMilliseconds(750), schedule.Phase(2));
    }

    [Fact]
    public void A_round_falls_due_on_the_clock_at_its_offset()
    {
        var schedule = NewSchedule([Second, Second]);

        Assert.True(schedule.TryTakeDue(_time.GetTimestamp(), out var first));
        Assert.Equal((0, 0L, TimeSpan.Zero), (first.Slot, first.Round, first.DueOffset));
        Assert.False(schedule.TryTakeDue(_time.GetTimestamp(), out _));

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(schedule.TryTakeDue(_time.GetTimestamp(), out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(schedule.TryTakeDue(_time.GetTimestamp(), out var second));
        Assert.Equal((1, 0L, TimeSpan.FromMilliseconds(500)), (second.Slot, second.Round, second.DueOffset));
        Assert.Equal(_time.GetTimestamp(), second.DueTimestamp);
    }

    [Fact]
    public void An_interval_below_a_second_is_raised_to_a_second()
    {
        var schedule = NewSchedule([TimeSpan.FromMilliseconds(100), TimeSpan.Zero]);

        var rounds = TakeAllDue(schedule, Second * 5);

        Assert.Equal(Second, schedule.Interval(0));
        Assert.Equal(Second, schedule.Interval(1));
        Assert.Equal(5, rounds.Count(r => r.Slot == 0));
        Assert.Equal(5, rounds.Count(r => r.Slot == 1));
    }

    [Fact]
    public void After_a_stall_the_overdue_rounds_are_missed_not_sent_in_a_burst()
    {
        var schedule = NewSchedule([Second]);
        Assert.True(schedule.TryTakeDue(_time.GetTimestamp(), out var first));
        Assert.False(schedule.IsMissed(first, _time.GetTimestamp()));
        Assert.True(schedule.TryAdmitRequest(0, _time.GetTimestamp()));

        // The process stalls for 10.2 s: rounds 1-10 are overdue at once.
        _time.Advance(TimeSpan.FromMilliseconds(10_200));
        var now = _time.GetTimestamp();
        var overdue = new List<DueRound>();
        while (schedule.TryTakeDue(now, out var due))
        {
            overdue.Add(due);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), overdue.Select(d => d.Round));
        var sendable = overdue.Where(d => !schedule.IsMissed(d, now)).ToList();
        Assert.Equal([10L], sendable.Select(d => d.Round));
        Assert.True(schedule.TryAdmitRequest(0, now));
    }

    [Fact]
    public void The_rate_guard_refuses_a_second_request_within_half_a_second()
    {
        var schedule = NewSchedule([Second]);
        var start = _time.GetTimestamp();

        Assert.True(schedule.TryAdmitRequest(0, start));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(schedule.TryAdmitRequest(0, _time.GetTimestamp()));
        _time.Advance(TimeSpan.FromMilliseconds(501));
        Assert.True(schedule.TryAdmitRequest(0, _time.GetTimestamp()));
    }

    [Fact]
    public void Offsets_and_clock_readings_convert_exactly()
    {
        var schedule = new PingSchedule([Second], startTimestamp: 5_000, timestampFrequency: 1_000_000_000);

        Assert.Equal(5_000 + 1_500_000_000, schedule.ToTimestamp(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), schedule.ToTimeSpan(1_500_000_000));
        Assert.Equal(TimeSpan.FromTicks(1), schedule.ToTimeSpan(100));
    }

    private PingSchedule NewSchedule(IEnumerable<TimeSpan> intervals) =>
        new([.. intervals], _time.GetTimestamp(), _time.TimestampFrequency);

    /// <summary>Walks the fake clock through <paramref name="span"/> a millisecond at a time, taking every round that falls due.</summary>
    private List<DueRound> TakeAllDue(PingSchedule schedule, TimeSpan span)
    {
        var rounds = new List<DueRound>();
        var end = _time.GetUtcNow() + span;
        while (_time.GetUtcNow() < end)
        {
            while (schedule.TryTakeDue(_time.GetTimestamp(), out var due))
            {
                rounds.Add(due);
            }

            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        return rounds;
    }
}
