using NetPulse.Monitoring.Api;

namespace NetPulse.Monitoring.Tests.Api;

public sealed class SeriesPlanTests
{
    [Theory]
    [InlineData(1_800, 1000, "raw", 1)]
    [InlineData(2_000, 1000, "raw", 1)]
    [InlineData(2_001, 1000, "raw", 2)]
    [InlineData(3_600, 1000, "raw", 2)]
    [InlineData(3_600, 10_000, "raw", 10)]
    [InlineData(3_600, 60_000, "minute", 60)]
    [InlineData(60_000, 1000, "raw", 30)]
    [InlineData(60_001, 1000, "minute", 60)]
    [InlineData(86_400, 1000, "minute", 60)]
    [InlineData(7 * 86_400, 1000, "minute", 600)]
    [InlineData(1_200_000, 1000, "minute", 600)]
    [InlineData(1_200_001, 1000, "hour", 3600)]
    [InlineData(30 * 86_400, 1000, "hour", 3600)]
    [InlineData(90 * 86_400, 1000, "hour", 7200)]
    [InlineData(400 * 86_400, 1000, "hour", 21600)]
    public void The_step_is_the_shortest_that_keeps_a_range_within_2000_points(int seconds, int intervalMs, string resolution, int step)
    {
        var plan = SeriesPlan.For(TimeSpan.FromSeconds(seconds), intervalMs);

        Assert.Equal((resolution, step), (plan.Resolution, plan.StepSeconds));
        Assert.True(Math.Ceiling(seconds / (double)step) <= SeriesPlan.MaxPoints);
    }
}
