using Microsoft.Extensions.Time.Testing;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class LatenessHistogramTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();
    private readonly LatenessHistogram _histogram;

    public LatenessHistogramTests()
    {
        _histogram = new LatenessHistogram(Window, _time.TimestampFrequency);
    }

    [Fact]
    public void Percentiles_come_from_the_recorded_values_to_ten_microseconds()
    {
        // 98 requests 0.2 ms late, one 3 ms late, one 40 ms late.
        for (var i = 0; i < 98; i++)
        {
            Record(TimeSpan.FromMicroseconds(200));
        }

        Record(TimeSpan.FromMilliseconds(3));
        Record(TimeSpan.FromMilliseconds(40));

        var now = _time.GetTimestamp();
        Assert.Equal(TimeSpan.FromMicroseconds(210), _histogram.Percentile(0.50, now));
        Assert.Equal(TimeSpan.FromMicroseconds(3010), _histogram.Percentile(0.99, now));
        Assert.Equal(TimeSpan.FromMilliseconds(41), _histogram.Percentile(1.0, now));
        Assert.Equal(TimeSpan.FromMilliseconds(40), _histogram.Max);
        Assert.Equal(100, _histogram.Count(now));
    }

    [Fact]
    public void Old_values_leave_the_window()
    {
        Record(TimeSpan.FromMilliseconds(30));
        _time.Advance(Window);
        Record(TimeSpan.FromMilliseconds(1));

        // Still within the last two windows.
        Assert.Equal(TimeSpan.FromMilliseconds(31), _histogram.Percentile(1.0, _time.GetTimestamp()));

        _time.Advance(Window);
        Record(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMicroseconds(1010), _histogram.Percentile(1.0, _time.GetTimestamp()));
        Assert.Equal(2, _histogram.Count(_time.GetTimestamp()));

        _time.Advance(Window * 3);
        Assert.Equal(0, _histogram.Count(_time.GetTimestamp()));
        Assert.Equal(TimeSpan.Zero, _histogram.Percentile(0.99, _time.GetTimestamp()));
    }

    [Fact]
    public void Extreme_values_land_in_the_first_and_last_buckets()
    {
        Record(TimeSpan.FromMilliseconds(-2));
        Record(TimeSpan.FromSeconds(30));

        var now = _time.GetTimestamp();
        Assert.Equal(TimeSpan.FromMicroseconds(10), _histogram.Percentile(0.5, now));
        Assert.Equal(TimeSpan.FromSeconds(1), _histogram.Percentile(1.0, now));
    }

    private void Record(TimeSpan lateness) => _histogram.Record(lateness, _time.GetTimestamp());
}
