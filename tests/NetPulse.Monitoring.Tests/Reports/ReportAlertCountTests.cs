using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Reports;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>The daily report counts the day's alert notices that could not be delivered, and those still retried.</summary>
public sealed class ReportAlertCountTests(ReportDataFixture data) : IClassFixture<ReportDataFixture>
{
    private static readonly DateTime AfterLastDay = new(2026, 3, 31, 0, 30, 0);

    [Fact]
    public async Task Undelivered_refused_and_pending_notices_of_the_day_are_counted_and_other_days_are_not()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay);
        var before = await rig.Reader.RebuildAsync(ReportScenario.LastDay);
        var noon = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(ReportScenario.LastDay.ToDateTime(new TimeOnly(12, 0)), ReportScenario.Berlin), TimeSpan.Zero);
        var outbox = rig.Get<AlertOutbox>();

        await outbox.TryAddAsync(Entry("a-undelivered", noon, DeliveryState.Undelivered), null, CancellationToken.None);
        await outbox.TryAddAsync(Entry("a-refused", noon.AddHours(1), DeliveryState.Refused), null, CancellationToken.None);
        await outbox.TryAddAsync(Entry("a-pending", noon.AddHours(2), DeliveryState.Pending), null, CancellationToken.None);
        await outbox.TryAddAsync(Entry("a-delivered", noon.AddHours(3), DeliveryState.Delivered), null, CancellationToken.None);
        await outbox.TryAddAsync(Entry("a-next-day", noon.AddDays(1), DeliveryState.Undelivered), null, CancellationToken.None);
        var after = await rig.Reader.RebuildAsync(ReportScenario.LastDay);

        Assert.Equal(before.UndeliveredAlerts + 2, after.UndeliveredAlerts);
        Assert.Equal(before.PendingAlerts + 1, after.PendingAlerts);
    }

    [Fact]
    public void The_email_says_how_many_alerts_could_not_be_delivered()
    {
        var report = new DailyReport
        {
            Date = ReportScenario.LastDay,
            TimeZone = "UTC",
            From = new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero),
            Grades = GradeCounts.Of([]),
            Targets = [],
            UndeliveredAlerts = 2,
            PendingAlerts = 1,
        };

        var email = new ReportEmailBuilder(TimeZoneInfo.Utc, maxCharts: 0).Build(report);
        var quiet = new ReportEmailBuilder(TimeZoneInfo.Utc, maxCharts: 0).Build(report with { UndeliveredAlerts = 0, PendingAlerts = 0 });

        Assert.Contains("2 alerts could not be delivered and 1 more still being retried", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("2 alerts could not be delivered", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be delivered", quiet.TextBody, StringComparison.Ordinal);
    }

    private static OutboxEntry Entry(string id, DateTimeOffset raisedAt, DeliveryState state) => new()
    {
        Notice = new AlertNotice { Id = id, Kind = NoticeKind.Report, Incidents = [], RaisedAt = raisedAt },
        ProbeId = "",
        StoredAt = raisedAt,
        Deliveries = [new ChannelDelivery { Channel = "recorded", State = state, Attempts = 1, LastError = state == DeliveryState.Delivered ? null : "refused by test" }],
    };
}
