using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Probe.Icmp;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class WallClockAnchorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _monotonic = new(T0);
    private readonly SteppedWallClock _clock;
    private readonly TestLog _log = new();
    private readonly WallClockAnchor _anchor;

    public WallClockAnchorTests()
    {
        _clock = new SteppedWallClock(_monotonic);
        _anchor = new WallClockAnchor(_clock, _log.For<WallClockAnchor>());
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public void It_starts_at_the_wall_clock_in_epoch_zero()
    {
        Assert.Equal(new ClockAnchor(T0, 0), _anchor.Current);
    }

    [Theory]
    [InlineData(900)]
    [InlineData(1000)]
    [InlineData(-1000)]
    public void A_difference_of_up_to_a_second_moves_nothing(int milliseconds)
    {
        _clock.Step(TimeSpan.FromMilliseconds(milliseconds));
        _monotonic.Advance(WallClockAnchor.CheckEvery);

        Assert.False(_anchor.CheckForStep());
        Assert.Equal(new ClockAnchor(T0, 0), _anchor.Current);
        Assert.Empty(_log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public void A_forward_step_moves_the_anchor_by_the_step_once_and_warns_with_its_size()
    {
        // The Pi booted at its last shutdown time; NTP then steps it three hours and a bit forwards.
        var step = TimeSpan.FromHours(3) + TimeSpan.FromMilliseconds(250);
        _monotonic.Advance(TimeSpan.FromSeconds(5));
        _clock.Step(step);

        Assert.True(_anchor.CheckForStep());
        Assert.Equal(new ClockAnchor(T0 + step, 1), _anchor.Current);

        // The offset of a round from the start is unchanged; its UTC stamp now agrees with the wall clock.
        Assert.Equal(_clock.GetUtcNow(), _anchor.Current.StartUtc + TimeSpan.FromSeconds(5));
        _monotonic.Advance(WallClockAnchor.CheckEvery);
        Assert.False(_anchor.CheckForStep());
        Assert.Equal(1, _anchor.Current.Epoch);

        var warning = Assert.Single(_log.AtLeast(LogLevel.Warning));
        Assert.Equal("forwards", warning.Properties["Direction"]);
        Assert.Equal(10800.25, warning.Properties["StepSeconds"]);
        Assert.Equal(1, warning.Properties["Epoch"]);
    }

    [Fact]
    public void A_backward_step_moves_the_anchor_back_and_a_second_step_is_a_second_epoch()
    {
        _monotonic.Advance(TimeSpan.FromSeconds(2));
        _clock.Step(TimeSpan.FromDays(-90));
        Assert.True(_anchor.CheckForStep());
        _monotonic.Advance(TimeSpan.FromSeconds(2));
        _clock.Step(TimeSpan.FromSeconds(30));
        Assert.True(_anchor.CheckForStep());

        Assert.Equal(new ClockAnchor(T0 - TimeSpan.FromDays(90) + TimeSpan.FromSeconds(30), 2), _anchor.Current);
        Assert.Equal(["backwards", "forwards"], _log.AtLeast(LogLevel.Warning).Select(w => w.Properties["Direction"]));
    }

    [Fact]
    public void The_clocks_are_compared_at_most_once_per_check_interval()
    {
        _clock.Step(TimeSpan.FromMinutes(5));
        _monotonic.Advance(WallClockAnchor.CheckEvery - TimeSpan.FromMilliseconds(1));
        Assert.False(_anchor.CheckForStep());

        _monotonic.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_anchor.CheckForStep());
        _clock.Step(TimeSpan.FromMinutes(5));
        Assert.False(_anchor.CheckForStep());
        Assert.Equal(1, _anchor.Current.Epoch);
    }
}
