using System.Web;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>Notices about an open incident carry its signed acknowledge link and its dashboard page when both are configured.</summary>
public sealed class NoticeLinkTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Key = "a-test-key-that-is-long-enough-for-hmac-0123456789";

    [Fact]
    public async Task An_opened_notice_links_to_a_valid_acknowledge_link_and_the_dashboard_and_the_resolved_one_does_not()
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        settings["NetPulse:Alerts:AcknowledgeKey"] = Key;
        settings["NetPulse:Alerts:PublicApiBaseUrl"] = "https://netpulse.example.org/api";
        settings["NetPulse:Alerts:DashboardBaseUrl"] = "https://dash.example.org/";
        using var rig = AlertRig.Create(azurite.ConnectionString, settings);
        var down = AlertSamples.Down();

        await rig.RaiseAsync(AlertSamples.Opened(down));
        rig.Time.Advance(TimeSpan.FromMinutes(10));
        await rig.RaiseAsync(AlertSamples.Resolved(AlertSamples.Ended(down, rig.Time.GetUtcNow())));

        var notices = await rig.NoticesAsync();
        var opened = notices.Single(n => n.Notice.Kind == NoticeKind.Opened).Notice;
        var link = Assert.IsType<Uri>(opened.AcknowledgeUrl);
        Assert.StartsWith("https://netpulse.example.org/api/ack?", link.AbsoluteUri, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(link.Query);
        Assert.Equal(down.Incident.Id, query["incident"]);
        Assert.Null(rig.Get<AcknowledgeLinks>().Check(query["probe"], query["incident"], query["expires"], query["sig"]));
        Assert.NotNull(rig.Get<AcknowledgeLinks>().Check(query["probe"], "another-incident", query["expires"], query["sig"]));

        var dashboard = Assert.IsType<Uri>(opened.DashboardUrl);
        Assert.StartsWith("https://dash.example.org/#/incidents?target=", dashboard.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(down.Incident.ProbeId + "~"), dashboard.AbsoluteUri, StringComparison.Ordinal);

        var resolved = notices.Single(n => n.Notice.Kind == NoticeKind.Resolved).Notice;
        Assert.Null(resolved.AcknowledgeUrl);
        Assert.Null(resolved.DashboardUrl);

        var email = new AlertEmailBuilder(TimeZoneInfo.Utc).Build(opened);
        Assert.Contains($"href=\"{System.Net.WebUtility.HtmlEncode(link.AbsoluteUri)}\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(link.AbsoluteUri, email.TextBody, StringComparison.Ordinal);
        Assert.Contains(dashboard.AbsoluteUri, email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Acknowledge", new AlertEmailBuilder(TimeZoneInfo.Utc).Build(resolved).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_key_and_addresses_a_notice_carries_no_links()
    {
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(SmtpSink.FreePort()));

        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down()));

        var opened = Assert.Single(await rig.NoticesAsync()).Notice;
        Assert.Null(opened.AcknowledgeUrl);
        Assert.Null(opened.DashboardUrl);
    }

    [Theory]
    [InlineData("http://dash.example.org/")]
    [InlineData("dash.example.org")]
    [InlineData("https://dash.example.org/?x=1")]
    public void A_dashboard_address_that_is_not_https_or_loopback_stops_the_start_naming_the_key(string url)
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        settings["NetPulse:Alerts:DashboardBaseUrl"] = url;

        var error = Assert.ThrowsAny<Exception>(() => AlertRig.Create(azurite.ConnectionString, settings));
        Assert.Contains("NetPulse:Alerts:DashboardBaseUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_http_dashboard_is_allowed() => Assert.True(DashboardLinks.IsAllowedBase("http://127.0.0.1:5173/"));
}
