using NetPulse.Monitoring.Reports;

namespace NetPulse.Monitoring.Tests.Reports;

public sealed class ReportDayTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void A_Berlin_day_in_winter_runs_from_23_00_to_23_00_UTC()
    {
        var day = ReportDay.Of(new DateOnly(2026, 1, 15), Berlin);

        Assert.Equal(new DateTimeOffset(2026, 1, 14, 23, 0, 0, TimeSpan.Zero), day.From);
        Assert.Equal(TimeSpan.FromHours(24), day.Length);
    }

    [Fact]
    public void The_day_clocks_go_forward_has_23_hours()
    {
        var day = ReportDay.Of(new DateOnly(2026, 3, 29), Berlin);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), day.From);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), day.To);
        Assert.Equal(TimeSpan.FromHours(23), day.Length);
    }

    [Fact]
    public void The_day_clocks_go_back_has_25_hours()
    {
        var day = ReportDay.Of(new DateOnly(2026, 10, 25), Berlin);

        Assert.Equal(new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), day.From);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 23, 0, 0, TimeSpan.Zero), day.To);
        Assert.Equal(TimeSpan.FromHours(25), day.Length);
    }

    [Fact]
    public void Where_midnight_does_not_exist_the_day_begins_at_the_jump()
    {
        // Chile starts summer time at 24:00 on the first Saturday of September: 2026-09-06 00:00 never happens.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var day = ReportDay.Of(new DateOnly(2026, 9, 6), santiago);

        Assert.Equal(new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero), day.From);
        Assert.Equal(TimeSpan.FromHours(23), day.Length);
        Assert.Equal(day.From, ReportDay.Of(new DateOnly(2026, 9, 5), santiago).To);
    }

    [Fact]
    public void Where_midnight_happens_twice_the_day_begins_at_the_first()
    {
        // Cuba ends summer time at 01:00 on the first Sunday of November: 00:00-01:00 happens twice.
        var havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        var day = ReportDay.Of(new DateOnly(2026, 11, 1), havana);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero), day.From);
        Assert.Equal(TimeSpan.FromHours(25), day.Length);
    }

    [Fact]
    public void Consecutive_days_tile_time_without_gap_or_overlap()
    {
        var zones = new[] { Berlin, TimeZoneInfo.Utc, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), TimeZoneInfo.FindSystemTimeZoneById("America/Santiago") };
        foreach (var zone in zones)
        {
            var date = new DateOnly(2026, 1, 1);
            for (var i = 0; i < 365; i++, date = date.AddDays(1))
            {
                var day = ReportDay.Of(date, zone);
                Assert.Equal(day.To, ReportDay.Of(date.AddDays(1), zone).From);
                Assert.Equal(date, ReportDay.DateOf(day.From, zone));
                Assert.Equal(date, ReportDay.DateOf(day.To.AddTicks(-1), zone));
            }
        }
    }
}
