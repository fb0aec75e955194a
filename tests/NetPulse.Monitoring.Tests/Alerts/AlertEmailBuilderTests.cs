using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>What every alert email says, built without a mail server.</summary>
public sealed class AlertEmailBuilderTests
{
    private static readonly AlertEmailBuilder Berlin = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
    private static readonly AlertEmailBuilder Utc = new(TimeZoneInfo.Utc);

    [Fact]
    public void An_opened_alert_shows_target_type_local_and_utc_start_open_time_peak_and_uptime()
    {
        var email = Berlin.Opened(AlertSamples.Down(), AlertSamples.Start.AddMinutes(3).AddSeconds(20));

        Assert.Equal("[NetPulse] Down: gateway", email.Subject);
        Assert.Contains("gateway: down since 2025-03-01 14:00:00 Europe/Berlin (UTC+01:00).", email.TextBody);
        Assert.Contains("Target:            gateway (192.0.2.1)\n", email.TextBody);
        Assert.Contains("Category:          isp\n", email.TextBody);
        Assert.Contains("Description:       ISP gateway\n", email.TextBody);
        Assert.Contains("Probe:             home\n", email.TextBody);
        Assert.Contains("Started:           2025-03-01 14:00:00 Europe/Berlin (UTC+01:00) = 2025-03-01 13:00:00 UTC\n", email.TextBody);
        Assert.Contains("Open for:          3 min 20 s (as of 2025-03-01 14:03:20 Europe/Berlin (UTC+01:00))\n", email.TextBody);
        Assert.Contains("Peak:              7 failed rounds in a row (opens at 3)\n", email.TextBody);
        Assert.Contains("Uptime, last 24 h: 99.50 %\n", email.TextBody);
        Assert.Contains("<th style=\"text-align:left;padding:2px 12px 2px 0;vertical-align:top\">Peak</th><td style=\"padding:2px 0\">7 failed rounds in a row (opens at 3)</td>", email.HtmlBody);
    }

    [Fact]
    public void Summer_time_shows_the_summer_offset()
    {
        var july = new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);
        var email = Berlin.Opened(AlertSamples.Down(start: july), july);

        Assert.Contains("2025-07-01 12:00:00 Europe/Berlin (UTC+02:00) = 2025-07-01 10:00:00 UTC", email.TextBody);
    }

    [Fact]
    public void In_utc_the_time_is_shown_once()
    {
        var email = Utc.Opened(AlertSamples.Down(), AlertSamples.Start);

        Assert.Contains("Started:           2025-03-01 13:00:00 UTC\n", email.TextBody);
    }

    [Theory]
    [InlineData(IncidentType.Latency, 212.44, 150.0, "[NetPulse] High latency: gateway", "median RTT 212.4 ms (threshold 150 ms)")]
    [InlineData(IncidentType.Loss, 12.5, 5.0, "[NetPulse] Packet loss: gateway", "12.5 % loss (threshold 5 %)")]
    [InlineData(IncidentType.Down, 3.0, 3.0, "[NetPulse] Down: gateway", "3 failed rounds in a row (opens at 3)")]
    public void Each_incident_type_shows_its_peak_in_its_unit(IncidentType type, double peak, double threshold, string subject, string peakText)
    {
        var alert = AlertSamples.Down();
        alert = alert with { Incident = alert.Incident with { Type = type, PeakValue = peak, Threshold = threshold } };

        var email = Utc.Opened(alert, AlertSamples.Start);

        Assert.Equal(subject, email.Subject);
        Assert.Contains(peakText, email.TextBody);
    }

    [Fact]
    public void A_probe_silent_incident_names_the_probe()
    {
        var alert = AlertSamples.Down(target: string.Empty);
        alert = alert with { Incident = alert.Incident with { Type = IncidentType.ProbeSilent, PeakValue = null, Threshold = null } };

        var email = Utc.Opened(alert, AlertSamples.Start.AddMinutes(10));

        Assert.Equal("[NetPulse] Probe silent: probe home", email.Subject);
        Assert.DoesNotContain("Target:", email.TextBody);
        Assert.DoesNotContain("Uptime", email.TextBody);
    }

    [Fact]
    public void An_uplink_outage_lists_the_targets_grouped_under_it()
    {
        var email = Utc.Opened(AlertSamples.Down(grouped: ["nas", "dns-2", "<b>printer</b>"]), AlertSamples.Start);

        Assert.Equal("[NetPulse] Down: gateway (+3 targets behind it)", email.Subject);
        Assert.Contains("Also affected:     <b>printer</b>, dns-2, nas (grouped under this uplink incident)\n", email.TextBody);
        Assert.Contains("&lt;b&gt;printer&lt;/b&gt;, dns-2, nas (grouped under this uplink incident)", email.HtmlBody);
    }

    [Fact]
    public void A_reminder_says_how_long_the_incident_has_been_open()
    {
        var email = Utc.Reminder(AlertSamples.Down(), AlertSamples.Start.AddHours(4).AddMinutes(2));

        Assert.Equal("[NetPulse] Still down after 4 h 02 min: gateway", email.Subject);
        Assert.StartsWith("gateway is still down: open for 4 h 02 min.", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recovery_gives_start_end_and_the_outage_duration()
    {
        var resolved = AlertSamples.Ended(AlertSamples.Down(), AlertSamples.Start.AddHours(26).AddMinutes(3));

        var email = Berlin.Resolved(resolved);

        Assert.Equal("[NetPulse] Resolved: gateway, down for 1 d 2 h", email.Subject);
        Assert.Contains("Ended:             2025-03-02 16:03:00 Europe/Berlin (UTC+01:00) = 2025-03-02 15:03:00 UTC\n", email.TextBody);
        Assert.Contains("Duration:          1 d 2 h\n", email.TextBody);
    }

    [Fact]
    public void A_summary_is_one_table_of_all_incidents_in_start_order()
    {
        var later = AlertSamples.Ended(AlertSamples.Down(target: "b-host", id: "2", start: AlertSamples.Start.AddMinutes(30)), AlertSamples.Start.AddMinutes(31));
        var earlier = AlertSamples.Latency("a-host", "1", AlertSamples.Start, AlertSamples.Start.AddSeconds(45));

        var email = Utc.Summary([later, earlier]);

        Assert.Equal("[NetPulse] 2 incidents already over, reported late by probe home", email.Subject);
        var lines = email.TextBody.Split('\n');
        var header = Array.IndexOf(lines, "Target | Problem | Started | Ended | Duration | Peak");
        Assert.True(header > 0, email.TextBody);
        Assert.Equal(
            "a-host | high latency | 2025-03-01 13:00:00 UTC | 2025-03-01 13:00:45 UTC | 45 s | median RTT 212.4 ms (threshold 150 ms)",
            lines[header + 1]);
        Assert.StartsWith("b-host | down | 2025-03-01 13:30:00", lines[header + 2], StringComparison.Ordinal);
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:3px 8px;text-align:left\">a-host</td>", email.HtmlBody);
    }

    [Fact]
    public void Hostile_text_from_config_is_escaped_in_html_and_kept_on_one_line()
    {
        const string Hostile = "<script>alert(1)</script>&\"'";
        var alert = AlertSamples.Down(target: Hostile + "\r\nBcc: x@example.net") with
        {
            TargetHost = "<h1>host</h1>",
            TargetDescription = "line one\nline two\u2028<i>three</i>",
        };

        var email = Utc.Opened(alert, AlertSamples.Start);

        Assert.Equal("[NetPulse] Down: <script>alert(1)</script>&\"' Bcc: x@example.net", email.Subject);
        Assert.DoesNotContain('\r', email.Subject);
        Assert.DoesNotContain('\n', email.Subject);
        Assert.DoesNotContain("<script>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<h1>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;", email.HtmlBody);
        Assert.Contains("<title>[NetPulse] Down: &lt;script&gt;", email.HtmlBody);
        Assert.Contains("Description:       line one line two <i>three</i>\n", email.TextBody);
    }

    [Fact]
    public void An_overlong_name_is_cut()
    {
        var email = Utc.Opened(AlertSamples.Down(target: new string('x', 500)), AlertSamples.Start);

        Assert.Equal("[NetPulse] Down: " + new string('x', 80) + "…", email.Subject);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59.9, "59 s")]
    [InlineData(60, "1 min 00 s")]
    [InlineData(3599, "59 min 59 s")]
    [InlineData(3600, "1 h 00 min")]
    [InlineData(86399, "23 h 59 min")]
    [InlineData(86400 * 3 + 3600 * 4, "3 d 4 h")]
    [InlineData(-5, "0 s")]
    public void Durations_read_short_and_exact_enough(double seconds, string expected) =>
        Assert.Equal(expected, MailText.Duration(TimeSpan.FromSeconds(seconds)));
}
