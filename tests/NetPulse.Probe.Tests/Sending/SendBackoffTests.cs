using NetPulse.Probe.Sending;

namespace NetPulse.Probe.Tests.Sending;

public sealed class SendBackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1000, 60)]
    public void The_wait_doubles_from_one_second_up_to_a_minute(int failures, int seconds)
    {
        var longest = SendBackoff.Default.Delay(failures, jitter: 1);
        var shortest = SendBackoff.Default.Delay(failures, jitter: 0);

        Assert.Equal(TimeSpan.FromSeconds(seconds), longest);
        Assert.Equal(TimeSpan.FromSeconds(seconds / 2.0), shortest);
    }

    [Fact]
    public void Jitter_spreads_the_wait_over_the_second_half_of_the_step()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), SendBackoff.Default.Delay(3, jitter: 0.5));
    }
}
