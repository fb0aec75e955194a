using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// A mailed daily report is announced on the other alert channels through the outbox (the channel seam's "report"
/// notice), once per report, and never a second time by email.
/// </summary>
public sealed class ReportAnnouncementTests(ReportDataFixture data) : IClassFixture<ReportDataFixture>
{
    private static readonly DateTime AfterLastDay = new(2026, 3, 31, 0, 30, 0);

    [Fact]
    public async Task Each_mailed_report_is_announced_once_on_the_non_email_channels()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string?> { ["NetPulse:Alerts:Channels:mail:Type"] = "email" };
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay, settings);
        var recorded = rig.Get<IServiceProvider>().GetServices<IAlertChannelFactory>().OfType<RecordingChannelFactory>().Single();

        await rig.Handler.RunAsync(CancellationToken.None);
        await rig.Handler.RunAsync(CancellationToken.None);

        var reports = recorded.Delivered.Where(n => n.Kind == NoticeKind.Report).ToList();
        Assert.Equal(["Daily report 2026-03-28", "Daily report 2026-03-29", "Daily report 2026-03-30"], reports.Select(n => n.Report!.Title).Order(StringComparer.Ordinal));
        Assert.All(reports, n => Assert.Contains("3 targets", Assert.Single(n.Report!.Lines), StringComparison.Ordinal));

        // The mail sink got the three reports themselves and no notice about them.
        Assert.Equal(3, sink.Messages.Count);
        Assert.All(sink.Messages, m => Assert.StartsWith("[NetPulse] Daily report", m.Subject, StringComparison.Ordinal));
        var notices = await rig.Get<AlertOutbox>().ListAsync(null, DateTimeOffset.MinValue.AddYears(2000), DateTimeOffset.MaxValue.AddYears(-2000), CancellationToken.None);
        Assert.All(notices.Where(n => n.Notice.Kind == NoticeKind.Report), n => Assert.Equal(["recorded"], n.Deliveries.Select(d => d.Channel)));
    }
}
