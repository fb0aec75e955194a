using MimeKit;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>Alert mails through the outbox and the email channel, against a real SMTP server on loopback and real Table storage (Azurite).</summary>
public sealed class AlertMailTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Alert_state_lives_in_the_installations_prefixed_table()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var prefix = "np" + Guid.NewGuid().ToString("N")[..8];
        var settings = AlertRig.SmtpSettings(smtp.Port);
        settings["NetPulse:Storage:TablePrefix"] = prefix;
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);
        var opened = AlertSamples.Down();

        await rig.RaiseAsync(AlertSamples.Opened(opened));

        var tables = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString);
        var names = await tables.QueryAsync(t => t.Name == prefix + rig.StateTable || t.Name == rig.StateTable).Select(t => t.Name).ToListAsync();
        Assert.Equal([prefix + rig.StateTable], names);
        Assert.NotNull((await rig.States.GetAsync(AlertKey.Of(opened.Incident), None))?.OpenIncident);
    }

    [Fact]
    public async Task An_opened_alert_reaches_every_recipient_with_its_context()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        rig.Time.Advance(TimeSpan.FromMinutes(2));

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));

        var mail = Assert.Single(smtp.Received);
        Assert.Equal(["ops@example.org", "ann@example.org"], mail.RcptTo);
        Assert.Equal("netpulse@example.org", mail.MailFrom);
        Assert.Equal("[NetPulse] Down: gateway", mail.Message.Subject);
        var text = mail.Message.TextBody;
        Assert.Contains("2025-03-01 14:00:00 Europe/Berlin (UTC+01:00)", text);
        Assert.Contains("2025-03-01 13:00:00 UTC", text);
        Assert.Contains("2 min 00 s", text);
        Assert.Contains("7 failed rounds in a row (opens at 3)", text);
        Assert.Contains("99.50 %", text);
        Assert.Contains("gateway (192.0.2.1)", mail.Message.HtmlBody);
    }

    [Fact]
    public async Task The_recovery_mail_states_the_duration_and_threads_under_the_alert()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        var opened = AlertSamples.Down();
        await rig.RaiseAsync(AlertSamples.Opened(opened));
        rig.Time.Advance(TimeSpan.FromMinutes(13));

        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(opened, AlertSamples.Start.AddMinutes(12).AddSeconds(5))));

        Assert.Equal(2, smtp.Messages.Count);
        var recovery = smtp.Messages[1];
        Assert.Equal("[NetPulse] Resolved: gateway, down for 12 min 05 s", recovery.Subject);
        Assert.Contains("2025-03-01 14:12:05 Europe/Berlin", recovery.TextBody);
        Assert.Equal(smtp.Messages[0].MessageId, recovery.InReplyTo);
        Assert.Null((await rig.States.GetAsync(AlertKey.Of(opened.Incident), None))?.OpenIncident);
    }

    [Fact]
    public async Task A_flapping_target_gets_no_second_alert_within_the_cooldown_but_every_recovery()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));

        var first = AlertSamples.Down(id: "inc-1");
        await rig.RaiseAsync(AlertSamples.Opened(first));
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(first, rig.Time.GetUtcNow())));

        rig.Time.Advance(TimeSpan.FromMinutes(13));
        var second = AlertSamples.Down(id: "inc-2", start: rig.Time.GetUtcNow());
        await rig.RaiseAsync(AlertSamples.Opened(second));
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(second, rig.Time.GetUtcNow())));

        // 15 minutes after the first alert the cooldown is over.
        rig.Time.Advance(TimeSpan.FromSeconds(61));
        var third = AlertSamples.Down(id: "inc-3", start: rig.Time.GetUtcNow());
        await rig.RaiseAsync(AlertSamples.Opened(third));

        // Another type on the same target has its own cooldown.
        var latency = AlertSamples.Latency("gateway", "inc-4", rig.Time.GetUtcNow(), rig.Time.GetUtcNow());
        await rig.RaiseAsync(AlertSamples.Opened(latency with { Incident = latency.Incident with { End = null } }));

        Assert.Equal(
            [
                "[NetPulse] Down: gateway",
                "[NetPulse] Resolved: gateway, down for 1 min 00 s",
                "[NetPulse] Resolved: gateway, down for 1 min 00 s",
                "[NetPulse] Down: gateway",
                "[NetPulse] High latency: gateway",
            ],
            smtp.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task A_redelivered_message_is_not_sent_twice_and_a_late_opening_after_its_recovery_not_at_all()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        var incident = AlertSamples.Down(id: "inc-1");
        var resolved = AlertSamples.Resolved(AlertSamples.Ended(incident, AlertSamples.Start.AddMinutes(5)));

        await rig.RaiseAsync(AlertSamples.Opened(incident));
        await rig.RaiseAsync(AlertSamples.Opened(incident));
        await rig.RaiseAsync(resolved);
        await rig.RaiseAsync(resolved);

        // The queue does not keep order: a recovery may overtake its opening.
        var overtaken = AlertSamples.Down(target: "dns", id: "inc-2");
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(overtaken, AlertSamples.Start.AddMinutes(3))));
        await rig.RaiseAsync(AlertSamples.Opened(overtaken));

        Assert.Equal(
            ["[NetPulse] Down: gateway", "[NetPulse] Resolved: gateway, down for 5 min 00 s", "[NetPulse] Resolved: dns, down for 3 min 00 s"],
            smtp.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task An_incident_still_open_after_the_reminder_interval_gets_one_reminder_per_interval()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        var incident = AlertSamples.Down();
        var other = AlertSamples.Down(target: "dns", id: "inc-2");
        await rig.RaiseAsync(AlertSamples.Opened(incident));
        await rig.RaiseAsync(AlertSamples.Opened(other));
        rig.Time.Advance(TimeSpan.FromMinutes(30));
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(other, rig.Time.GetUtcNow())));

        rig.Time.Advance(TimeSpan.FromHours(3.5) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await rig.Delivery.RunAsync(None));

        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await rig.Delivery.RunAsync(None));
        Assert.Equal(0, await rig.Delivery.RunAsync(None));

        var reminder = smtp.Messages[^1];
        Assert.Equal("[NetPulse] Still down after 4 h 00 min: gateway", reminder.Subject);
        Assert.Equal(smtp.Messages[0].MessageId, reminder.InReplyTo);

        rig.Time.Advance(TimeSpan.FromHours(1));
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(incident, rig.Time.GetUtcNow())));
        rig.Time.Advance(TimeSpan.FromHours(8));
        Assert.Equal(0, await rig.Delivery.RunAsync(None));
        Assert.Equal(5, smtp.Messages.Count);
    }

    [Fact]
    public async Task A_late_backlog_of_incidents_already_over_gives_one_summary_mail()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        var over = Enumerable.Range(0, 6)
            .Select(i => AlertSamples.Ended(
                AlertSamples.Down(target: $"host-{i}", id: $"inc-{i}", start: AlertSamples.Start.AddMinutes(i)),
                AlertSamples.Start.AddMinutes(i + 10)))
            .ToList();
        var summary = new AlertMessage { Kind = AlertKind.Summary, Incidents = over, RaisedAt = AlertSamples.Start.AddHours(3) };

        await rig.RaiseAsync(summary);

        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("[NetPulse] 6 incidents already over, reported late by probe home", mail.Subject);
        Assert.Equal(7, CountOccurrences(mail.HtmlBody ?? string.Empty, "<tr>"));
        Assert.All(over, o => Assert.Contains(o.Incident.TargetName, mail.TextBody));
    }

    [Fact]
    public async Task A_hostile_target_name_is_escaped_in_the_html_and_cannot_inject_a_header()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));
        const string Hostile = "<script>alert(1)</script>&\"'\r\nBcc: victim@example.net";
        var incident = AlertSamples.Down(target: Hostile) with { TargetDescription = "<img src=x onerror=alert(2)>" };

        await rig.RaiseAsync(AlertSamples.Opened(incident));

        var mail = Assert.Single(smtp.Received);
        Assert.Equal(["ops@example.org", "ann@example.org"], mail.RcptTo);
        Assert.Empty(mail.Message.Bcc);
        Assert.Null(mail.Message.Headers[HeaderId.Bcc]);
        Assert.Equal("[NetPulse] Down: <script>alert(1)</script>&\"' Bcc: victim@example.net", mail.Message.Subject);
        var html = mail.Message.HtmlBody;
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39; Bcc: victim@example.net", html);
    }

    [Fact]
    public async Task With_sign_in_configured_the_sender_authenticates()
    {
        await using var smtp = await SmtpSink.StartAsync(user: "netpulse", password: "s3cret");
        var settings = AlertRig.SmtpSettings(smtp.Port);
        settings["NetPulse:Smtp:User"] = "netpulse";
        settings["NetPulse:Smtp:Password"] = "s3cret";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));

        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task When_smtp_is_down_the_notice_waits_in_the_outbox_and_its_alert_state_is_decided()
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);
        var incident = AlertSamples.Down();

        await rig.RaiseAsync(AlertSamples.Opened(incident));

        var notice = Assert.Single(await rig.NoticesAsync());
        Assert.Equal(NoticeState.Pending, notice.State);
        var delivery = Assert.Single(notice.Deliveries);
        Assert.Equal(("email", 1, DeliveryState.Pending), (delivery.Channel, delivery.Attempts, delivery.State));
        Assert.Contains("SocketException", delivery.LastError, StringComparison.Ordinal);
        Assert.Equal(AlertSamples.Start.AddSeconds(30), delivery.NextAttemptAt);
        // The reminder schedule does not wait for a send that may take hours.
        Assert.Equal(AlertSamples.Start, (await rig.States.GetAsync(AlertKey.Of(incident.Incident), None))?.LastOpenedMailAt);
    }

    [Fact]
    public async Task A_wrong_password_refuses_the_notice_at_once_without_retrying()
    {
        await using var smtp = await SmtpSink.StartAsync(user: "netpulse", password: "s3cret");
        var settings = AlertRig.SmtpSettings(smtp.Port);
        settings["NetPulse:Smtp:User"] = "netpulse";
        settings["NetPulse:Smtp:Password"] = "wrong";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));
        await rig.RunMinutesAsync(5);

        var delivery = Assert.Single(Assert.Single(await rig.NoticesAsync()).Deliveries);
        Assert.Equal((DeliveryState.Refused, 1), (delivery.State, delivery.Attempts));
        Assert.Contains("sign-in refused", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Without_an_smtp_host_mails_are_written_as_eml_files()
    {
        var folder = Directory.CreateTempSubdirectory("netpulse-outbox-").FullName;
        try
        {
            var settings = AlertRig.SmtpSettings(port: 25);
            settings["NetPulse:Smtp:Host"] = null;
            settings["NetPulse:Smtp:PickupFolder"] = folder;
            using var rig = AlertRig.Create(azurite.ConnectionString, settings);
            var incident = AlertSamples.Down();

            await rig.RaiseAsync(AlertSamples.Opened(incident));
            rig.Time.Advance(TimeSpan.FromMinutes(5));
            await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(incident, rig.Time.GetUtcNow())));

            var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, files.Count);
            Assert.All(files, f => Assert.EndsWith(".eml", f, StringComparison.Ordinal));
            var first = await MimeMessage.LoadAsync(files[0]);
            var second = await MimeMessage.LoadAsync(files[1]);
            Assert.Equal("[NetPulse] Down: gateway", first.Subject);
            Assert.Equal("[NetPulse] Resolved: gateway, down for 5 min 00 s", second.Subject);
            Assert.Equal(["ops@example.org", "ann@example.org"], first.To.Mailboxes.Select(m => m.Address));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int CountOccurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
