using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Api;

public sealed class ApiUnitTests
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Merged_rollups_add_counts_keep_exact_extremes_and_take_the_reply_weighted_median_of_medians()
    {
        Rollup Minute(int m, int count, int successes, double? min, double? p50, double? max) => new()
        {
            ProbeId = "p",
            TargetName = "t",
            Start = Hour.AddMinutes(m),
            Length = TimeSpan.FromMinutes(1),
            Statistics = new SampleStatistics { Count = count, Successes = successes, MinMs = min, P50Ms = p50, MaxMs = max },
        };

        var points = SeriesPoints.FromRollups(
        [
            Minute(2, 60, 60, 5, 10, 20),
            Minute(0, 60, 10, 1, 50, 90),
            Minute(1, 60, 0, null, null, null),
            Minute(3, 0, 0, null, null, null),
            Minute(4, 60, 30, 7, 30, 40),
        ], 300);

        var point = Assert.Single(points);
        Assert.Equal(Hour, point.T);
        Assert.Equal(240, point.Count);
        Assert.Equal(Math.Round(100.0 * (240 - 100) / 240, 3), point.LossPercent);
        Assert.Equal((1.0, 90.0), (point.MinMs!.Value, point.MaxMs!.Value));

        // Medians 10 (60 replies), 30 (30), 50 (10): half of the 100 replies is reached at 10.
        Assert.Equal(10, point.P50Ms);
    }

    [Fact]
    public void A_step_of_rounds_that_all_failed_has_no_rtt_and_full_loss()
    {
        var points = SeriesPoints.FromSamples([new(Hour, -1), new(Hour.AddSeconds(1), -2), new(Hour.AddSeconds(5), 12_345)], 5);

        Assert.Equal(2, points.Count);
        Assert.Equal(new SeriesPoint(Hour, null, null, null, 100, 2), points[0]);
        Assert.Equal(new SeriesPoint(Hour.AddSeconds(5), 12.345, 12.345, 12.345, 0, 1), points[1]);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("https://dash.example.org", null)]
    [InlineData(" https://dash.example.org/ , http://127.0.0.1:5173 ", null)]
    [InlineData("*", "'*' would let every web page read the API")]
    [InlineData("dash.example.org", "has 'dash.example.org'")]
    [InlineData("https://dash.example.org/app", "has 'https://dash.example.org/app'")]
    [InlineData("ftp://dash.example.org", "has 'ftp://dash.example.org'")]
    public void Allowed_origins_are_origins_and_nothing_else(string origins, string? problem)
    {
        using var services = new ServiceCollection()
            .AddNetPulseApi(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["NetPulse:Api:AllowedOrigins"] = origins }).Build())
            .BuildServiceProvider();

        if (problem is null)
        {
            var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
            Assert.All(options.Origins, o => Assert.False(o.EndsWith('/') || o.Contains(' ', StringComparison.Ordinal)));
        }
        else
        {
            var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ApiOptions>>().Value);
            Assert.Contains("NetPulse:Api:AllowedOrigins", ex.Message, StringComparison.Ordinal);
            Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_the_setting_the_dashboard_may_call_from_its_local_origins()
    {
        Assert.Equal(["http://127.0.0.1:5173", "http://localhost:5173"], new ApiOptions().Origins);
    }
}
