using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.Mail;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>
/// Alerts are never lost: the outbox, retries with back-off, per-channel sent marks, the retry horizon and the upgrade
/// from the alerts queue, against real SMTP servers on loopback, real Table and Queue storage (Azurite) and a fake clock.
/// </summary>
public sealed class OutboxTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task An_smtp_outage_of_30_minutes_delays_the_opened_and_resolved_mails_but_loses_neither_and_sends_each_once()
    {
        var port = SmtpSink.FreePort();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(port));
        var gateway = AlertSamples.Down(id: "inc-1");
        var dns = AlertSamples.Down(target: "dns", id: "inc-2");

        // What ingestion waits for is the announcer's raise (store, then one try): timed on the wall clock during the outage.
        var longestRaise = TimeSpan.Zero;
        async Task RaiseTimedAsync(AlertMessage alert)
        {
            var watch = Stopwatch.StartNew();
            await rig.RaiseAsync(alert);
            longestRaise = watch.Elapsed > longestRaise ? watch.Elapsed : longestRaise;
        }

        // The outage starts: the first alert meets the refusal, the next one in the same minute is not even tried.
        await RaiseTimedAsync(AlertSamples.Opened(gateway));
        await RaiseTimedAsync(AlertSamples.Opened(dns));
        var first = await rig.NoticesAsync();
        Assert.Equal([1, 0], first.Select(n => Assert.Single(n.Deliveries).Attempts).OrderDescending());

        // 20 minutes on, the gateway incident resolves, still during the outage; the timer keeps trying.
        await rig.RunMinutesAsync(20);
        await RaiseTimedAsync(AlertSamples.Resolved(AlertSamples.Ended(gateway, rig.Time.GetUtcNow())));
        await rig.RunMinutesAsync(10);
        var during = await rig.NoticesAsync();
        Assert.Equal(3, during.Count);
        Assert.All(during, n => Assert.Equal(NoticeState.Pending, n.State));
        // Back-off: far fewer attempts than minutes (30 s doubling, capped at 3 min), and never a poison queue.
        Assert.InRange(during.Sum(n => n.Deliveries[0].Attempts), 3, 3 * 14);
        // A refused connection costs the raise no wait: well under one attempt's timeout (10 s).
        Assert.InRange(longestRaise, TimeSpan.Zero, TimeSpan.FromSeconds(2));

        await using var smtp = await SmtpSink.StartOnAsync(port);
        var back = rig.Time.GetUtcNow();
        await rig.RunMinutesAsync(10, until: () => smtp.Messages.Count >= 3);
        var delay = rig.Time.GetUtcNow() - back;
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        await rig.RunMinutesAsync(30);

        Assert.Equal(
            ["[NetPulse] Down: dns", "[NetPulse] Down: gateway", "[NetPulse] Resolved: gateway, down for 20 min 00 s"],
            smtp.Messages.Select(m => m.Subject).Order(StringComparer.Ordinal));
        var notices = await rig.NoticesAsync();
        Assert.All(notices, n => Assert.Equal(NoticeState.Delivered, n.State));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SMTP outage of 30 min: all {smtp.Messages.Count} mails in the sink {delay.TotalMinutes:0} min after it returned (limit 5 min); alerts lost: {notices.Count(n => n.State != NoticeState.Delivered)} of {notices.Count}; longest raise during the outage {longestRaise.TotalMilliseconds:0} ms"));
    }

    [Fact]
    public async Task A_notice_to_two_channels_is_not_sent_again_on_the_channel_that_took_it()
    {
        await using var ops = await SmtpSink.StartAsync();
        var auditPort = SmtpSink.FreePort();
        var settings = AlertRig.SmtpSettings(ops.Port);
        settings["NetPulse:Alerts:Channels:ops:Type"] = "email";
        settings["NetPulse:Alerts:Channels:audit:Type"] = "email";
        settings["NetPulse:Alerts:Channels:audit:Port"] = auditPort.ToString(CultureInfo.InvariantCulture);
        settings["NetPulse:Alerts:Channels:audit:To"] = "audit@example.org";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));
        await rig.RunMinutesAsync(3);
        Assert.Single(ops.Messages);

        await using var audit = await SmtpSink.StartOnAsync(auditPort);
        await rig.RunMinutesAsync(10);

        Assert.Single(ops.Messages);
        var mail = Assert.Single(audit.Received);
        Assert.Equal(["audit@example.org"], mail.RcptTo);
        var notice = Assert.Single(await rig.NoticesAsync());
        Assert.Equal(["audit", "ops"], notice.Deliveries.Select(d => d.Channel));
        Assert.All(notice.Deliveries, d => Assert.Equal(DeliveryState.Delivered, d.State));
        Assert.Equal(1, notice.Deliveries.Single(d => d.Channel == "ops").Attempts);
    }

    [Fact]
    public async Task Past_the_retry_horizon_a_notice_is_undelivered_and_listed_as_such()
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        settings["NetPulse:Alerts:RetryHorizon"] = "01:00:00";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));
        await rig.RunMinutesAsync(59);
        Assert.Equal(NoticeState.Pending, Assert.Single(await rig.NoticesAsync()).State);
        await rig.RunMinutesAsync(5);

        var notice = Assert.Single(await rig.Outbox.ListAsync(NoticeState.Undelivered, AlertSamples.Start, AlertSamples.Start.AddDays(1), CancellationToken.None));
        var delivery = Assert.Single(notice.Deliveries);
        Assert.Equal(DeliveryState.Undelivered, delivery.State);
        Assert.InRange(delivery.Attempts, 15, 40);
        Assert.Null(notice.NextAttemptAt);
        Assert.Empty(await rig.Outbox.ListAsync(NoticeState.Pending, AlertSamples.Start, AlertSamples.Start.AddDays(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_replayed_alert_adds_no_second_notice_and_sends_nothing_again()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        var summary = new AlertMessage
        {
            Kind = AlertKind.Summary,
            Incidents = [AlertSamples.Ended(AlertSamples.Down(target: "a", id: "inc-a"), AlertSamples.Start.AddMinutes(3))],
            RaisedAt = AlertSamples.Start,
        };

        for (var i = 0; i < 2; i++)
        {
            await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));
            await rig.RaiseAsync(summary);
        }

        await rig.RunMinutesAsync(5);
        Assert.Equal(2, (await rig.NoticesAsync()).Count);
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task A_message_left_on_the_legacy_alerts_queue_moves_into_the_outbox_and_is_sent()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        await rig.LegacyQueue.CreateIfNotExistsAsync();
        var incident = AlertSamples.Down(id: "inc-legacy");
        await rig.LegacyQueue.SendMessageAsync(AlertMessageCodec.Encode(AlertSamples.Opened(incident)));
        await rig.LegacyQueue.SendMessageAsync("{\"kind\":\"Opened\"");

        await rig.Delivery.RunAsync(CancellationToken.None);

        var notice = Assert.Single(await rig.NoticesAsync());
        Assert.Equal(NoticeIds.Of(NoticeKind.Opened, "inc-legacy"), notice.Notice.Id);
        Assert.Equal("[NetPulse] Down: gateway", Assert.Single(smtp.Messages).Subject);
        Assert.False((await rig.LegacyQueue.PeekMessagesAsync()).Value.Length > 0);
        // What the old trigger would have poisoned is kept where a person can look, not dropped.
        var poison = rig.Get<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(rig.LegacyQueue.Name + "-poison");
        Assert.Equal("{\"kind\":\"Opened\"", Assert.Single((await poison.PeekMessagesAsync()).Value).Body.ToString());
    }

    [Fact]
    public async Task An_unacknowledged_down_incident_escalates_once_and_an_acknowledged_one_gets_no_reminder()
    {
        await using var ops = await SmtpSink.StartAsync();
        await using var boss = await SmtpSink.StartAsync();
        var acknowledgements = new Acknowledgements();
        var settings = AlertRig.SmtpSettings(ops.Port);
        settings["NetPulse:Alerts:Channels:ops:Type"] = "email";
        settings["NetPulse:Alerts:Channels:boss:Type"] = "email";
        settings["NetPulse:Alerts:Channels:boss:Port"] = boss.Port.ToString(CultureInfo.InvariantCulture);
        settings["NetPulse:Alerts:Routes:0:Channels:0"] = "ops";
        settings["NetPulse:Alerts:Escalation:After"] = "00:15:00";
        settings["NetPulse:Alerts:Escalation:Channels:0"] = "boss";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings, s => s.AddSingleton<IIncidentAcknowledgements>(acknowledgements));
        var gateway = AlertSamples.Down(id: "inc-1");
        var dns = AlertSamples.Down(target: "dns", id: "inc-2");

        // Latency is not urgent (IncidentKind.Urgent): open as long as the gateway, it is never escalated.
        var slow = AlertSamples.Down(target: "web", id: "inc-3");
        slow = slow with { Incident = slow.Incident with { Type = IncidentType.Latency, PeakValue = 212.4, Threshold = 150 } };
        await rig.RaiseAsync(AlertSamples.Opened(gateway));
        await rig.RaiseAsync(AlertSamples.Opened(dns));
        await rig.RaiseAsync(AlertSamples.Opened(slow));
        acknowledgements.Add("inc-2");

        await rig.RunMinutesAsync(14);
        Assert.Empty(boss.Messages);
        await rig.RunMinutesAsync(10);

        Assert.Equal("[NetPulse] Escalated: Down: gateway", Assert.Single(boss.Messages).Subject);
        Assert.Contains("Nobody acknowledged this incident in time", boss.Messages[0].TextBody, StringComparison.Ordinal);

        // Four hours on: a reminder for the gateway only, and on the routed channel only.
        rig.Time.Advance(TimeSpan.FromHours(4));
        await rig.RunMinutesAsync(2);
        Assert.Single(boss.Messages);
        Assert.Equal(
            ["[NetPulse] Down: dns", "[NetPulse] Down: gateway", "[NetPulse] Still down after 4 h 25 min: gateway"],
            ops.Messages.Select(m => m.Subject).Where(s => s?.EndsWith(": web", StringComparison.Ordinal) != true).Order(StringComparer.Ordinal));
        Assert.Contains(ops.Messages, m => m.Subject?.EndsWith(": web", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_channel_that_fails_for_good_is_refused_at_once_while_the_other_delivers()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var settings = AlertRig.SmtpSettings(smtp.Port);
        settings["NetPulse:Alerts:Channels:mail:Type"] = "email";
        settings["NetPulse:Alerts:Channels:hook:Type"] = "refusing";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings, s => s.AddSingleton<IAlertChannelFactory, RefusingChannelFactory>());

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));
        await rig.RunMinutesAsync(5);

        var notice = Assert.Single(await rig.NoticesAsync());
        Assert.Equal(NoticeState.Undelivered, notice.State);
        Assert.Equal([("hook", DeliveryState.Refused, 1), ("mail", DeliveryState.Delivered, 1)], notice.Deliveries.Select(d => (d.Channel, d.State, d.Attempts)));
        Assert.Equal("HTTP 401 from the test receiver", notice.Deliveries[0].LastError);
        Assert.Single(smtp.Messages);
    }

    private sealed class Acknowledgements : IIncidentAcknowledgements
    {
        private readonly HashSet<string> _ids = [];

        public void Add(string incidentId) => _ids.Add(incidentId);

        public Task<IncidentAcknowledgement?> GetAsync(string probeId, string incidentId, CancellationToken cancellationToken) =>
            Task.FromResult(_ids.Contains(incidentId) ? new IncidentAcknowledgement(probeId, incidentId, "ann", AlertSamples.Start, null) : null);
    }

    /// <summary>A channel type whose receiver refuses everything for good, as a webhook answering 401 would.</summary>
    private sealed class RefusingChannelFactory : IAlertChannelFactory
    {
        public string Type => "refusing";

        public IReadOnlyList<string> Validate(string name, Microsoft.Extensions.Configuration.IConfigurationSection section) => [];

        public IAlertChannel Create(string name, Microsoft.Extensions.Configuration.IConfigurationSection section, IServiceProvider services) => new Channel(name);

        private sealed class Channel(string name) : IAlertChannel
        {
            public string Name => name;

            public string Type => "refusing";

            public Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken) =>
                throw new AlertDeliveryException("HTTP 401 from the test receiver", isTransient: false);
        }
    }
}
