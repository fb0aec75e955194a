using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MimeKit;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// Reports built from rounds that went through the real ingestion into Azurite, stored in the reports table,
/// and emailed to a real SMTP server on loopback; the timer handler called directly with a fake clock.
/// </summary>
public sealed class DailyReportTests(ReportDataFixture data) : IClassFixture<ReportDataFixture>
{
    /// <summary>00:30 local on the day after the scenario: its three days are over and settled.</summary>
    private static readonly DateTime AfterLastDay = new(2026, 3, 31, 0, 30, 0);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_timer_builds_each_finished_day_once_and_emails_it_once()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay);

        var first = await rig.Handler.RunAsync(CancellationToken.None);
        var second = await rig.Handler.RunAsync(CancellationToken.None);

        DateOnly[] days = [ReportScenario.FirstDay, ReportScenario.ShortDay, ReportScenario.LastDay];
        Assert.Equal(days, first.Built);
        Assert.Equal(days, first.Emailed);
        Assert.Empty(second.Built);
        Assert.Empty(second.Emailed);
        Assert.Equal(3, sink.Received.Count);
        Assert.All(sink.Received, m => Assert.Equal(["ops@example.org", "ann@example.org"], m.RcptTo));

        var listed = await rig.Reader.ListDatesAsync();
        Assert.Equal(days.Reverse(), listed.Select(d => d.Date));
        Assert.All(listed, d => Assert.True(d.Emailed));
        Assert.All(listed, d => Assert.Equal(3, d.TargetCount));
    }

    [Fact]
    public async Task A_day_is_reported_only_after_its_local_midnight_and_the_settle_delay()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 29, 0, 5, 0));

        var early = await rig.Handler.RunAsync(CancellationToken.None);
        rig.SetLocalNow(new DateTime(2026, 3, 29, 0, 10, 0));
        var settled = await rig.Handler.RunAsync(CancellationToken.None);

        // At 00:05 the 28th has not settled; days before the first round are never built.
        Assert.Empty(early.Built);
        Assert.Equal([ReportScenario.FirstDay], settled.Built);
    }

    [Fact]
    public async Task Missed_runs_are_caught_up_within_the_limit()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string?> { ["NetPulse:Reports:CatchUpDays"] = "2" };
        using var rig = await ReportRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 29, 1, 15, 0), settings);

        var firstRun = await rig.Handler.RunAsync(CancellationToken.None);
        // The timer stops for two days; at 04-01 01:15 the 29th, 30th and 31st are due, but only two days back are caught up.
        rig.SetLocalNow(new DateTime(2026, 4, 1, 1, 15, 0));
        var afterOutage = await rig.Handler.RunAsync(CancellationToken.None);

        Assert.Equal([ReportScenario.FirstDay], firstRun.Built);
        Assert.Equal([ReportScenario.LastDay, new DateOnly(2026, 3, 31)], afterOutage.Built);
        Assert.Null(await rig.Reader.GetReportAsync(ReportScenario.ShortDay));

        // The 31st had no rounds: stored as a report without targets, and not mailed.
        var empty = await rig.Reader.GetReportAsync(new DateOnly(2026, 3, 31));
        Assert.Empty(empty!.Targets);
        Assert.Equal([ReportScenario.LastDay], afterOutage.Emailed);
        Assert.Equal(["[NetPulse] Daily report 2026-03-28: 3 A, 0 incidents", "[NetPulse] Daily report 2026-03-30: 3 A, 0 incidents"], sink.Messages.Select(m => m.Subject));

        // The gap is filled by a rebuild, which sends no mail.
        await rig.Reader.RebuildAsync(ReportScenario.ShortDay);
        rig.SetLocalNow(new DateTime(2026, 4, 1, 2, 15, 0));
        Assert.Empty((await rig.Handler.RunAsync(CancellationToken.None)).Emailed);
        Assert.Equal(2, sink.Received.Count);
    }

    [Fact]
    public async Task Rebuilding_a_day_gives_the_same_entities_from_batches_and_from_compacted_hours_and_keeps_emailed()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay);
        await rig.Handler.RunAsync(CancellationToken.None);
        var built = await rig.DumpReportsAsync();

        rig.Time.Advance(TimeSpan.FromHours(5));
        foreach (var date in new[] { ReportScenario.FirstDay, ReportScenario.ShortDay, ReportScenario.LastDay })
        {
            await rig.Reader.RebuildAsync(date);
        }

        var rebuilt = await rig.DumpReportsAsync();

        // Compaction moves the rounds from batches into packed hours: the reports must not notice.
        await rig.Compaction.RunAsync(CancellationToken.None);
        await rig.Compaction.RunAsync(CancellationToken.None);
        foreach (var date in new[] { ReportScenario.FirstDay, ReportScenario.ShortDay, ReportScenario.LastDay })
        {
            await rig.Reader.RebuildAsync(date);
        }

        var fromCompacted = await rig.DumpReportsAsync();
        var run = await rig.Handler.RunAsync(CancellationToken.None);

        Assert.Equal(3 + (3 * 3), built.Count);
        Assert.Equal(built, rebuilt);
        Assert.Equal(built, fromCompacted);
        Assert.Contains(built, line => line.StartsWith("days / 2026-03-29 |", StringComparison.Ordinal) && line.Contains("Emailed=True", StringComparison.Ordinal));
        Assert.Empty(run.Emailed);
        Assert.Equal(3, sink.Received.Count);
    }

    [Fact]
    public async Task The_short_day_has_23_hours_its_outage_its_evening_peak_and_a_trend()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay);
        await rig.Handler.RunAsync(CancellationToken.None);

        var report = (await rig.Reader.GetReportAsync(ReportScenario.ShortDay))!;
        var dns = report.Targets.Single(t => t.TargetName == ReportScenario.Dns);
        var gateway = report.Targets.Single(t => t.TargetName == ReportScenario.Gateway);
        var next = (await rig.Reader.GetReportAsync(ReportScenario.LastDay))!.Targets.Single(t => t.TargetName == ReportScenario.Dns);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), report.From);
        Assert.Equal(23, dns.Hours.Count);
        Assert.Equal(23 * 60, dns.Statistics.Count);
        Assert.Equal(23 * 60 - 12, dns.Statistics.Successes);
        Assert.Equal(12 * 60, dns.DowntimeSeconds);
        var outage = Assert.Single(dns.Incidents, i => i.Type == IncidentType.Down);
        Assert.Equal(ReportScenario.DownFrom, outage.Start);
        Assert.Equal(100.0 * (23 * 60 - 12) / (23 * 60), dns.UptimePercent!.Value, 9);
        Assert.Equal(ReportGrade.C, dns.Grade);
        Assert.Equal("uptime 99.13 % (C)", dns.GradeReason);
        Assert.StartsWith("Down for 12 min 00 s (longest 12 min 00 s from 10:00)", dns.Recommendations[0], StringComparison.Ordinal);
        Assert.Matches(@"^Evening latency peaks 19:00–23:00 \(median 4[5-7](\.\d)? ms against 1[12](\.\d)? ms for the day\)", dns.Recommendations[1]);
        Assert.Equal(ReportGrade.A, gateway.Grade);
        Assert.Same(dns, report.Targets[0]);

        // The next day compares with this one and with the average of the two reported days before.
        Assert.Equal(dns.Statistics.P50Ms, next.Trend.PreviousDay!.P50Ms);
        Assert.Equal(2, next.Trend.WeekDays);
        Assert.Equal(TrendDirection.Better, next.Trend.Direction);

        // The record is what the HTTP API serialises: camelCase, enums as names.
        var json = JsonSerializer.Serialize(report, Web);
        Assert.Contains("\"date\":\"2026-03-29\"", json, StringComparison.Ordinal);
        Assert.Contains("\"grade\":\"C\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"Down\"", json, StringComparison.Ordinal);

        // Its figures are one statistics object per target and hour, its settings the target's settings record.
        var api = JsonSerializer.Serialize(report, NetPulse.Monitoring.Api.ReportJsonContext.Default.DailyReport);
        Assert.Contains("\"statistics\":{\"count\":1380,\"successes\":1368,\"failures\":12,", api, StringComparison.Ordinal);
        Assert.Contains($"\"targetName\":\"{ReportScenario.Dns}\",\"settings\":{{\"name\":\"{ReportScenario.Dns}\",", api, StringComparison.Ordinal);
        var read = JsonSerializer.Deserialize(api, NetPulse.Monitoring.Api.ReportJsonContext.Default.DailyReport)!.Targets[0];
        Assert.Equal(dns.Statistics, read.Statistics);
        Assert.Equal(dns.Settings, read.Settings);
        Assert.Equal(dns.Hours[20].Statistics, read.Hours[20].Statistics);
    }

    [Fact]
    public async Task The_email_carries_the_csv_and_a_png_per_target_and_escapes_a_hostile_name()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, AfterLastDay);
        await rig.Handler.RunAsync(CancellationToken.None);

        var message = sink.Messages.Single(m => m.Subject?.Contains("2026-03-29", StringComparison.Ordinal) == true);
        var html = message.HtmlBody ?? throw new InvalidOperationException("no HTML part");

        Assert.Equal("[NetPulse] Daily report 2026-03-29: 1 C, 2 A, 1 incident", message.Subject);
        Assert.Equal("report.20260329@example.org", message.MessageId);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("=1+2 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
        Assert.Contains(ReportEmailTests.HostileName, message.TextBody, StringComparison.Ordinal);

        var images = message.BodyParts.OfType<MimePart>().Where(p => p.ContentType.IsMimeType("image", "png")).ToList();
        Assert.Equal(3, images.Count);
        foreach (var image in images)
        {
            Assert.Contains($"cid:{image.ContentId}", html, StringComparison.Ordinal);
            using var png = new MemoryStream();
            await image.Content!.DecodeToAsync(png);
            var bytes = png.ToArray();
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.Equal(ReportChart.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        }

        var csvPart = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("netpulse-report-2026-03-29.csv", csvPart.FileName);
        Assert.True(csvPart.ContentType.IsMimeType("text", "csv"));
        using var csvStream = new MemoryStream();
        await csvPart.Content!.DecodeToAsync(csvStream);
        var csv = Encoding.UTF8.GetString(csvStream.ToArray());
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.Contains(",\"'=1+2 <script>alert(\"\"x\"\")</script> & co\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2026-03-29,Europe/Berlin,home-1,dns.example,10.200.0.53,servers,false,C,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_day_that_has_not_ended_or_is_before_the_first_round_cannot_be_rebuilt_and_an_unreported_one_is_not_found()
    {
        await using var sink = await SmtpSink.StartAsync();
        using var rig = await ReportRig.StartAsync(data, sink.Port, new DateTime(2026, 3, 30, 23, 59, 0));

        var notOver = await Assert.ThrowsAsync<ReportDateOutOfRangeException>(() => rig.Reader.RebuildAsync(ReportScenario.LastDay));
        var beforeData = await Assert.ThrowsAsync<ReportDateOutOfRangeException>(() => rig.Reader.RebuildAsync(ReportScenario.FirstDay.AddDays(-1)));

        Assert.Equal(
            "2026-03-30 cannot be rebuilt: days from 2026-03-28 (the first stored round's) to 2026-03-29 (yesterday) in Europe/Berlin can be rebuilt; 2026-03-30 ends at 2026-03-30 22:00 UTC",
            notOver.Message);
        Assert.Equal(
            "2026-03-27 cannot be rebuilt: days from 2026-03-28 (the first stored round's) to 2026-03-29 (yesterday) in Europe/Berlin can be rebuilt",
            beforeData.Message);
        Assert.Null(await rig.Reader.GetReportAsync(ReportScenario.LastDay));
        Assert.True(ReportReader.TryParseDate("2026-03-29", out var parsed));
        Assert.Equal(ReportScenario.ShortDay, parsed);
        Assert.False(ReportReader.TryParseDate("29.03.2026", out _));
    }
}
