using MimeKit;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>SendAlert and the reminder scan against a real SMTP server on loopback and real Table storage (Azurite).</summary>
public sealed class SendAlertTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
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

        await rig.Sender.HandleAsync(AlertSamples.Opened(opened), None);

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

        await rig.Sender.HandleAsync(AlertMessageCodec.Encode(AlertSamples.Opened(AlertSamples.Down())), None);

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
        await rig.Sender.HandleAsync(AlertSamples.Opened(opened), None);
        rig.Time.Advance(TimeSpan.FromMinutes(13));

        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(opened, AlertSamples.Start.AddMinutes(12).AddSeconds(5))), None);

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
        await rig.Sender.HandleAsync(AlertSamples.Opened(first), None);
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(first, rig.Time.GetUtcNow())), None);

        rig.Time.Advance(TimeSpan.FromMinutes(13));
        var second = AlertSamples.Down(id: "inc-2", start: rig.Time.GetUtcNow());
        await rig.Sender.HandleAsync(AlertSamples.Opened(second), None);
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(second, rig.Time.GetUtcNow())), None);

        // 15 minutes after the first alert the cooldown is over.
        rig.Time.Advance(TimeSpan.FromSeconds(61));
        var third = AlertSamples.Down(id: "inc-3", start: rig.Time.GetUtcNow());
        await rig.Sender.HandleAsync(AlertSamples.Opened(third), None);

        // Another type on the same target has its own cooldown.
        var latency = AlertSamples.Latency("gateway", "inc-4", rig.Time.GetUtcNow(), rig.Time.GetUtcNow());
        await rig.Sender.HandleAsync(AlertSamples.Opened(latency with { Incident = latency.Incident with { End = null } }), None);

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

        await rig.Sender.HandleAsync(AlertSamples.Opened(incident), None);
        await rig.Sender.HandleAsync(AlertSamples.Opened(incident), None);
        await rig.Sender.HandleAsync(resolved, None);
        await rig.Sender.HandleAsync(resolved, None);

        // The queue does not keep order: a recovery may overtake its opening.
        var overtaken = AlertSamples.Down(target: "dns", id: "inc-2");
        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(overtaken, AlertSamples.Start.AddMinutes(3))), None);
        await rig.Sender.HandleAsync(AlertSamples.Opened(overtaken), None);

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
        await rig.Sender.HandleAsync(AlertSamples.Opened(incident), None);
        await rig.Sender.HandleAsync(AlertSamples.Opened(other), None);
        rig.Time.Advance(TimeSpan.FromMinutes(30));
        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(other, rig.Time.GetUtcNow())), None);

        rig.Time.Advance(TimeSpan.FromHours(3.5) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await rig.Reminders.RunAsync(None));

        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await rig.Reminders.RunAsync(None));
        Assert.Equal(0, await rig.Reminders.RunAsync(None));

        var reminder = smtp.Messages[^1];
        Assert.Equal("[NetPulse] Still down after 4 h 00 min: gateway", reminder.Subject);
        Assert.Equal(smtp.Messages[0].MessageId, reminder.InReplyTo);

        rig.Time.Advance(TimeSpan.FromHours(1));
        await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(incident, rig.Time.GetUtcNow())), None);
        rig.Time.Advance(TimeSpan.FromHours(8));
        Assert.Equal(0, await rig.Reminders.RunAsync(None));
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

        await rig.Sender.HandleAsync(AlertMessageCodec.Encode(summary), None);

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

        await rig.Sender.HandleAsync(AlertSamples.Opened(incident), None);

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

        await rig.Sender.HandleAsync(AlertSamples.Opened(AlertSamples.Down()), None);

        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task When_smtp_is_down_the_send_throws_and_records_nothing_so_the_retry_sends_it()
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);
        var incident = AlertSamples.Down();

        await Assert.ThrowsAnyAsync<Exception>(() => rig.Sender.HandleAsync(AlertSamples.Opened(incident), None));

        Assert.Null(await rig.States.GetAsync(AlertKey.Of(incident.Incident), None));
    }

    [Fact]
    public async Task A_wrong_password_fails_the_send()
    {
        await using var smtp = await SmtpSink.StartAsync(user: "netpulse", password: "s3cret");
        var settings = AlertRig.SmtpSettings(smtp.Port);
        settings["NetPulse:Smtp:User"] = "netpulse";
        settings["NetPulse:Smtp:Password"] = "wrong";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);

        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(
            () => rig.Sender.HandleAsync(AlertSamples.Opened(AlertSamples.Down()), None));
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

            await rig.Sender.HandleAsync(AlertSamples.Opened(incident), None);
            rig.Time.Advance(TimeSpan.FromMinutes(5));
            await rig.Sender.HandleAsync(AlertSamples.Resolved(AlertSamples.Ended(incident, rig.Time.GetUtcNow())), None);

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

    [Fact]
    public async Task A_message_that_is_not_an_alert_is_rejected_without_sending()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(smtp.Port));

        await Assert.ThrowsAsync<InvalidAlertMessageException>(() => rig.Sender.HandleAsync("{\"kind\":\"Opened\"", None));
        await Assert.ThrowsAsync<InvalidAlertMessageException>(
            () => rig.Sender.HandleAsync("{\"kind\":\"Opened\",\"incidents\":[],\"raisedAt\":\"2025-03-01T13:00:00Z\"}", None));
        Assert.Empty(smtp.Messages);
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
