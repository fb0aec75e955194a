using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Testing;
using NetPulse.Testing.Mail;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// The alerts issue's own case, through ingestion: the mail server is away while a down incident opens and resolves;
/// ingestion goes on at its usual pace, and once the server is back both mails arrive, once each. Real Azurite, a real
/// SMTP server on loopback (or a listener that never answers), a fake clock for the timer's minutes.
/// </summary>
public sealed class SmtpOutageIngestionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_refusing_mail_server_for_30_minutes_delays_the_down_and_resolved_mails_but_loses_neither_and_slows_no_batch()
    {
        var port = SmtpSink.FreePort();

        // Down from minute 5 to minute 25 of a 30-minute outage of the mail server.
        var timings = await IngestOutageAsync(port, outageMinutes: 30, downFrom: 300, downUntil: 1500);
        using var rig = timings.Rig;

        await using var smtp = await SmtpSink.StartOnAsync(port);
        var (delay, mails) = await DeliverAfterReturnAsync(rig, smtp);

        Assert.Equal(["[NetPulse] Down: gw", "[NetPulse] Resolved: gw, down for 20 min 00 s"], mails);
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        // The batches that raised the two alerts waited for one refused connection at most: no slower than the rest by much.
        Assert.All(timings.Raising, t => Assert.InRange(t, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        output.WriteLine(Figures("refusing", timings, delay, smtp.Messages.Count));
    }

    [Fact]
    public async Task A_mail_server_that_never_answers_costs_ingestion_one_attempt_timeout_and_then_nothing()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        // Accepts connections and never greets: each attempt lasts the SMTP timeout (2 s here).
        var timings = await IngestOutageAsync(port, outageMinutes: 12, downFrom: 120, downUntil: 600);
        using var rig = timings.Rig;

        Assert.Equal(2, timings.Raising.Count);
        Assert.InRange(timings.Raising[0], TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));

        // The resolved alert came while the channel was failing: left to the timer, not waited for.
        Assert.InRange(timings.Raising[1], TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        var notices = await rig.Get<AlertOutbox>().ListAsync(null, Start.AddDays(-1), Start.AddDays(1), CancellationToken.None);
        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal(NoticeState.Pending, n.State));
        output.WriteLine(Figures("silent", timings, null, 0));
    }

    private sealed record Timings(IngestionRig Rig, List<TimeSpan> Raising, List<TimeSpan> Others);

    /// <summary>Ingests 10 s batches of one minute after another, running the minute timer as the host would.</summary>
    private async Task<Timings> IngestOutageAsync(int smtpPort, int outageMinutes, int downFrom, int downUntil)
    {
        var settings = Alerts.AlertRig.SmtpSettings(smtpPort);
        settings["NetPulse:Smtp:Timeout"] = "00:00:02";

        // Beside the rig's recording channel, which always takes its notices at once.
        settings["NetPulse:Alerts:Channels:mail:Type"] = "email";
        var rig = IngestionRig.Create(azurite.ConnectionString, Start, settings);
        var batches = new Scenario("home-1", Start)
            .Target("gw", s => s >= downFrom && s < downUntil ? Scenario.Timeout : Scenario.Healthy(s), uplink: true)
            .Target("nas", Scenario.Healthy)
            .Batches(outageMinutes * 6);
        var outbox = rig.Get<AlertOutbox>();
        var delivery = rig.Get<DeliverAlertsHandler>();
        var raising = new List<TimeSpan>();
        var others = new List<TimeSpan>();
        var notices = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            rig.Time.SetUtcNow(batches[i].WindowStart.AddSeconds(12));
            var watch = Stopwatch.StartNew();
            await rig.IngestAsync(batches[i]);
            var took = watch.Elapsed;
            var now = (await outbox.ListAsync(null, Start.AddDays(-1), Start.AddDays(1), CancellationToken.None)).Count;
            if (now > notices)
            {
                raising.Add(took);
            }
            else if (i > 0)
            {
                // The first batch creates the tables: not a figure of the steady state.
                others.Add(took);
            }

            notices = now;
            if (i % 6 == 5)
            {
                await delivery.RunAsync(CancellationToken.None);
            }
        }

        return new Timings(rig, raising, others);
    }

    private static async Task<(TimeSpan Delay, List<string> Subjects)> DeliverAfterReturnAsync(IngestionRig rig, SmtpSink smtp)
    {
        var delivery = rig.Get<DeliverAlertsHandler>();
        var back = rig.Time.GetUtcNow();
        for (var minute = 0; minute < 10 && smtp.Messages.Count < 2; minute++)
        {
            rig.Time.Advance(TimeSpan.FromMinutes(1));
            await delivery.RunAsync(CancellationToken.None);
        }

        var delay = rig.Time.GetUtcNow() - back;

        // Half an hour more of the timer: nothing is sent twice.
        for (var minute = 0; minute < 30; minute++)
        {
            rig.Time.Advance(TimeSpan.FromMinutes(1));
            await delivery.RunAsync(CancellationToken.None);
        }

        return (delay, [.. smtp.Messages.Select(m => m.Subject ?? "").Order(StringComparer.Ordinal)]);
    }

    private static string Figures(string server, Timings timings, TimeSpan? delay, int mails)
    {
        var raising = string.Join(" / ", timings.Raising.Select(t => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"));
        var others = string.Create(CultureInfo.InvariantCulture, $"other batches median {Median(timings.Others):0} ms, max {timings.Others.Max().TotalMilliseconds:0} ms");
        var after = delay is { } d ? string.Create(CultureInfo.InvariantCulture, $"; {mails} mails in the sink {d.TotalMinutes:0} min after it returned, alerts lost 0") : "";
        return $"mail server {server}: batches that raised an alert took {raising}; {others}{after}";
    }

    private static double Median(List<TimeSpan> values) => values.Select(v => v.TotalMilliseconds).Order().ElementAt(values.Count / 2);
}
