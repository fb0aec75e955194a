using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>Planned downtime (incidents under maintenance) in the day's figures, the grade and the email.</summary>
public sealed class PlannedDowntimeTests
{
    private static readonly ReportDay Day = ReportDay.Of(new DateOnly(2026, 5, 1), TimeZoneInfo.Utc);

    [Fact]
    public void Downtime_in_a_window_is_planned_shown_apart_and_left_out_of_uptime_and_grade()
    {
        // A round a minute; down 02:00-04:00 (planned) and 12:00-12:30 (not).
        var planned = Down("planned", Day.From.AddHours(2), Day.From.AddHours(4)) with { MaintenanceWindowId = "w1" };
        var unplanned = Down("unplanned", Day.From.AddHours(12), Day.From.AddHours(12.5));
        var samples = Rounds(t => InsideOf(t, planned) || InsideOf(t, unplanned) ? -1 : 10_000);

        var report = ReportCalculator.Build(Target(), Day, samples, [planned, unplanned], null, []);
        var unmuted = ReportCalculator.Build(Target(), Day, samples, [planned with { MaintenanceWindowId = null }, unplanned], null, []);

        Assert.Equal(2, report.IncidentCount);
        Assert.Equal(1, report.PlannedIncidentCount);
        Assert.Equal(2 * 3600, report.PlannedDowntimeSeconds);
        Assert.Equal(30 * 60, report.DowntimeSeconds);
        Assert.Equal(30 * 60, report.LongestDowntimeSeconds);

        // 1,440 rounds, 120 planned: uptime is judged over the other 1,320, of which 30 were down.
        Assert.Equal(100.0 * (1320 - 30) / 1320, report.UptimePercent!.Value, 9);
        Assert.Equal(100.0 * (1440 - 150) / 1440, unmuted.UptimePercent!.Value, 9);
        Assert.True(report.Grade < unmuted.Grade, $"planned {report.Grade}, unplanned {unmuted.Grade}");
        Assert.Equal("w1", Assert.Single(report.Incidents, i => i.Id == "planned").MaintenanceWindowId);

        // The day's own statistics still count every round, as the chart shows them.
        Assert.Equal(1440, report.Statistics.Count);
    }

    [Fact]
    public void A_day_of_only_planned_downtime_grades_as_if_it_had_not_happened()
    {
        var planned = Down("planned", Day.From.AddHours(2), Day.From.AddHours(4)) with { MaintenanceWindowId = MaintenanceWindow.MarkedAfterwards };
        var samples = Rounds(t => InsideOf(t, planned) ? -1 : 10_000);

        var report = ReportCalculator.Build(Target(), Day, samples, [planned], null, []);
        var clean = ReportCalculator.Build(Target(), Day, Rounds(_ => 10_000), [], null, []);

        Assert.Equal(100, report.UptimePercent);
        Assert.Equal(0, report.DowntimeSeconds);
        Assert.Equal(clean.Grade, report.Grade);
    }

    [Fact]
    public void The_email_shows_planned_downtime_beside_the_unplanned_and_marks_the_incident()
    {
        var planned = Down("planned", Day.From.AddHours(2), Day.From.AddHours(4)) with { MaintenanceWindowId = "w1" };
        var samples = Rounds(t => InsideOf(t, planned) ? -1 : 10_000);
        var target = ReportCalculator.Build(Target(), Day, samples, [planned], null, []);
        var report = new DailyReport
        {
            Date = Day.Date,
            TimeZone = "UTC",
            From = Day.From,
            To = Day.To,
            Grades = GradeCounts.Of([target.Grade]),
            Targets = [target],
        };

        var email = new ReportEmailBuilder(TimeZoneInfo.Utc, maxCharts: 20).Build(report);

        Assert.Contains("– (+2 h 00 min planned)", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("1 (1 planned)", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("(maintenance)", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("(maintenance)", email.HtmlBody, StringComparison.Ordinal);
    }

    private static bool InsideOf(DateTimeOffset time, Incident incident) => time >= incident.Start && time < incident.End;

    private static List<Sample> Rounds(Func<DateTimeOffset, int> value) =>
        [.. Enumerable.Range(0, 1440).Select(i => Day.From.AddMinutes(i)).Select(t => new Sample(t, value(t)))];

    private static ReportTarget Target() => new()
    {
        ProbeId = "probe-1",
        Settings = new TargetSettings { Name = "target", Host = "10.200.0.1", IntervalMs = 60_000 },
        LatencyThresholdMs = 150,
        LossThresholdPercent = 5,
    };

    private static Incident Down(string id, DateTimeOffset start, DateTimeOffset? end) => new()
    {
        Id = id,
        ProbeId = "probe-1",
        TargetName = "target",
        Type = IncidentType.Down,
        Start = start,
        End = end,
    };
}
