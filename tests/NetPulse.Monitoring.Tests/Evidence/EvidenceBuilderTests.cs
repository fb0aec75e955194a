using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Reports;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>The report scenario's probe, ingested into Azurite, read back into the pack of the week of the spring-forward day.</summary>
public sealed class EvidenceBuilderTests(ReportDataFixture data) : IClassFixture<ReportDataFixture>
{
    [Fact]
    public async Task The_week_of_stored_rounds_becomes_the_pack()
    {
        // The scenario covers 03-28 (24 h) and 03-29 (23 h) of ISO week 13, then 03-30 of week 14; a round a minute.
        using var rig = await ReportRig.StartAsync(data, smtpPort: 25, new DateTime(2026, 4, 2, 9, 0, 0));
        var builder = new EvidenceBuilder(
            rig.Get<TargetReader>(), rig.Get<SampleReader>(), rig.Get<IncidentReader>(), rig.Get<IOptions<ReportOptions>>(),
            rig.Get<IOptions<DetectionOptions>>(), rig.Time);
        var period = EvidencePeriod.TryParse("2026-W13", ReportScenario.Berlin)!;

        var pack = await builder.BuildAsync(ReportScenario.ProbeId, period, "office", CancellationToken.None);

        Assert.Equal(3, pack.Targets.Count);
        var gateway = pack.Targets.Single(t => t.TargetName == ReportScenario.Gateway);
        Assert.Equal(47 * 60, gateway.Statistics.Count);
        Assert.Equal(47 * 60, gateway.Statistics.Successes);
        Assert.Equal(ControlRole.Gateway, gateway.Role);
        Assert.Equal(100.0 * 47 / 167, gateway.CoveragePercent, 9);
        Assert.Null(gateway.LongestLossBurst);

        var dns = pack.Targets.Single(t => t.TargetName == ReportScenario.Dns);
        var outage = Assert.Single(dns.Outages);
        Assert.Equal(ReportScenario.DownFrom, outage.Start);
        Assert.Equal(TimeSpan.FromMinutes(12), outage.Duration);
        Assert.Equal(12, outage.Rounds);
        Assert.Contains(pack.Incidents, i => i.TargetName == ReportScenario.Dns && i.Type == IncidentType.Down);

        // The day before the clock change is in the heatmap hour by hour; the skipped hour is not.
        Assert.Equal(60, dns.Heatmap.Single(c => c.Date == ReportScenario.FirstDay && c.Hour == 2).Rounds);
        Assert.False(dns.Heatmap.Single(c => c.Date == ReportScenario.ShortDay && c.Hour == 2).HourExists);
        Assert.False(dns.Heatmap.Single(c => c.Date == new DateOnly(2026, 3, 27) && c.Hour == 12).HasData);
    }

    [Fact]
    public async Task The_pack_mails_as_the_pdf_and_the_csv_files()
    {
        using var rig = await ReportRig.StartAsync(data, smtpPort: 25, new DateTime(2026, 4, 2, 9, 0, 0));
        var builder = new EvidenceBuilder(
            rig.Get<TargetReader>(), rig.Get<SampleReader>(), rig.Get<IncidentReader>(), rig.Get<IOptions<ReportOptions>>(),
            rig.Get<IOptions<DetectionOptions>>(), rig.Time);
        var mailer = new EvidenceMailer(
            rig.Get<Mail.IMailDelivery>(), rig.Get<IOptions<Mail.SmtpOptions>>(), rig.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EvidenceMailer>.Instance);
        var pack = await builder.BuildAsync(ReportScenario.ProbeId, EvidencePeriod.TryParse("2026-W13", ReportScenario.Berlin)!, null, CancellationToken.None);
        var pdf = EvidencePdf.Render(pack);

        var message = mailer.Compose(pack, pdf, EvidenceCsv.Write(pack));

        Assert.Equal("NetPulse evidence home-1 2026-W13: grade " + pack.Grade, message.Subject);
        Assert.Equal(
            ["netpulse-evidence-home-1-2026-W13.pdf", "netpulse-evidence-home-1-2026-W13-targets.csv", "netpulse-evidence-home-1-2026-W13-outages.csv",
             "netpulse-evidence-home-1-2026-W13-incidents.csv", "netpulse-evidence-home-1-2026-W13-heatmap.csv"],
            message.Attachments.Select(a => ((MimeKit.MimePart)a).FileName));
        var attached = (MimeKit.MimePart)message.Attachments.First();
        using var content = new MemoryStream();
        attached.Content!.DecodeTo(content);
        Assert.Equal(pdf, content.ToArray());
    }
}
