using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>Bad settings fail at start with a message that names the setting.</summary>
public sealed class AlertOptionsTests
{
    [Fact]
    public void The_defaults_need_only_a_sender_and_recipients()
    {
        var (smtp, alerts) = Bind(new() { ["NetPulse:Smtp:From"] = "netpulse@example.org", ["NetPulse:Smtp:To"] = "ops@example.org" });

        Assert.False(smtp.UsesServer);
        Assert.Equal("mail-outbox", smtp.PickupFolder);
        Assert.Equal(587, smtp.Port);
        Assert.Equal(SmtpSecurity.StartTls, smtp.Security);
        Assert.Equal(TimeSpan.FromMinutes(15), alerts.Cooldown);
        Assert.Equal(TimeSpan.FromHours(4), alerts.ReminderInterval);
        Assert.Equal("alertstate", alerts.StateTable);
        Assert.Equal("UTC", alerts.TimeZone);
    }

    [Fact]
    public void The_time_zone_comes_from_the_shared_setting()
    {
        var (_, alerts) = Bind(new()
        {
            ["NetPulse:Smtp:From"] = "netpulse@example.org",
            ["NetPulse:Smtp:To"] = "ops@example.org",
            ["NetPulse:TimeZone"] = "America/New_York",
        });

        Assert.Equal("America/New_York", alerts.TimeZone);
    }

    [Theory]
    [InlineData("NetPulse:Smtp:From", "", "NetPulse:Smtp:From is required")]
    [InlineData("NetPulse:Smtp:From", "not an address", "NetPulse:Smtp:From 'not an address' is not a mail address")]
    [InlineData("NetPulse:Smtp:To", " ; ", "NetPulse:Smtp:To needs at least one recipient")]
    [InlineData("NetPulse:Smtp:To", "ops@example.org, nobody", "NetPulse:Smtp:To: 'nobody' is not a mail address")]
    [InlineData("NetPulse:Smtp:Port", "70000", "NetPulse:Smtp:Port must be between 1 and 65535, not 70000")]
    [InlineData("NetPulse:Smtp:User", "netpulse", "NetPulse:Smtp:User and NetPulse:Smtp:Password go together")]
    [InlineData("NetPulse:Smtp:Timeout", "00:00:00", "NetPulse:Smtp:Timeout must be between")]
    public void A_bad_smtp_setting_is_named(string key, string value, string message)
    {
        var settings = Valid();
        settings["NetPulse:Smtp:Host"] = "smtp.example.org";
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_security_mode_is_refused_by_the_binder()
    {
        var settings = Valid();
        settings["NetPulse:Smtp:Host"] = "smtp.example.org";
        settings["NetPulse:Smtp:Security"] = "Sometimes";

        var ex = Assert.Throws<InvalidOperationException>(() => Bind(settings));

        Assert.Contains("NetPulse:Smtp:Security", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NetPulse:TimeZone", "Mars/Olympus_Mons", "NetPulse:TimeZone 'Mars/Olympus_Mons' is not a known time zone")]
    [InlineData("NetPulse:Alerts:Cooldown", "-00:01:00", "NetPulse:Alerts:Cooldown must not be negative")]
    [InlineData("NetPulse:Alerts:ReminderInterval", "00:00:30", "NetPulse:Alerts:ReminderInterval must be at least 00:01:00")]
    [InlineData("NetPulse:Alerts:StateTable", "alert-state", "NetPulse:Alerts:StateTable 'alert-state' is not a table name")]
    public void A_bad_alert_setting_is_named(string key, string value, string message)
    {
        var settings = Valid();
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_channel_and_route_is_named_at_once()
    {
        var settings = Valid();
        settings["NetPulse:Alerts:Channels:ops:Type"] = "email";
        settings["NetPulse:Alerts:Channels:ops:To"] = "nobody";
        settings["NetPulse:Alerts:Channels:pager:Type"] = "pigeon";
        settings["NetPulse:Alerts:Channels:untyped:To"] = "ops@example.org";
        settings["NetPulse:Alerts:Routes:0:Channels:0"] = "ops";
        settings["NetPulse:Alerts:Routes:0:Channels:1"] = "teams";
        settings["NetPulse:Alerts:Routes:0:Kinds:0"] = "dwn";
        settings["NetPulse:Alerts:Routes:1:Categories:0"] = "internet";
        settings["NetPulse:Alerts:Routes:1:Notices:0"] = "openned";
        settings["NetPulse:Alerts:Escalation:Channels:0"] = "boss";

        var ex = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Equal(
            [
                "NetPulse:Alerts:Channels:ops:To: 'nobody' is not a mail address",
                "NetPulse:Alerts:Channels:pager:Type 'pigeon' is not a channel type: use one of email, ntfy, slack, teams, webhook",
                "NetPulse:Alerts:Channels:untyped:Type is required: one of email, ntfy, slack, teams, webhook",
                "NetPulse:Alerts:Routes:0:Channels names 'teams', which is no channel under NetPulse:Alerts:Channels (ops, pager, untyped)",
                "NetPulse:Alerts:Routes:0:Kinds: 'dwn' is no incident kind: use down, latency, loss, probeSilent",
                "NetPulse:Alerts:Routes:1:Channels is empty: name at least one channel (ops, pager, untyped)",
                "NetPulse:Alerts:Routes:1:Notices: 'openned' is no notice kind: use opened, resolved, reminder, summary, report",
                "NetPulse:Alerts:Escalation:Channels names 'boss', which is no channel under NetPulse:Alerts:Channels (ops, pager, untyped)",
            ],
            ex.Failures);
    }

    [Fact]
    public void Without_channels_the_implicit_email_channel_is_the_one_routes_may_name()
    {
        var settings = Valid();
        settings["NetPulse:Alerts:Routes:0:Channels:0"] = "email";

        var (_, alerts) = Bind(settings);

        Assert.Equal(["email"], Assert.Single(alerts.Routes).Channels);
        Assert.Equal(TimeSpan.FromHours(24), alerts.RetryHorizon);
        Assert.Equal(TimeSpan.FromSeconds(10), alerts.AttemptTimeout);
        Assert.Equal("alertoutbox", alerts.OutboxTable);
    }

    [Theory]
    [InlineData("NetPulse:Alerts:RetryHorizon", "00:30:00", "NetPulse:Alerts:RetryHorizon must be at least 01:00:00")]
    [InlineData("NetPulse:Alerts:AttemptTimeout", "00:00:00", "NetPulse:Alerts:AttemptTimeout must be between 00:00:01 and 00:02:00")]
    [InlineData("NetPulse:Alerts:MaxRetryDelay", "00:00:10", "NetPulse:Alerts:MaxRetryDelay must be between FirstRetryDelay")]
    [InlineData("NetPulse:Alerts:OutboxTable", "alert_outbox", "NetPulse:Alerts:OutboxTable 'alert_outbox' is not a table name")]
    [InlineData("NetPulse:Alerts:DueSweepInterval", "00:00:30", "NetPulse:Alerts:DueSweepInterval must be between 00:01:00 and 01:00:00, not 00:00:30")]
    [InlineData("NetPulse:Alerts:DueSweepInterval", "02:00:00", "NetPulse:Alerts:DueSweepInterval must be between 00:01:00 and 01:00:00, not 02:00:00")]
    public void A_bad_retry_setting_is_named(string key, string value, string message)
    {
        var settings = Valid();
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["NetPulse:Smtp:From"] = "netpulse@example.org",
        ["NetPulse:Smtp:To"] = "ops@example.org",
    };

    private static (SmtpOptions Smtp, AlertOptions Alerts) Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddNetPulseAlerts(configuration).BuildServiceProvider();
        return (services.GetRequiredService<IOptions<SmtpOptions>>().Value, services.GetRequiredService<IOptions<AlertOptions>>().Value);
    }
}
