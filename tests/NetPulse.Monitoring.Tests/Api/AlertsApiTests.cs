using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Testing;
using NetPulse.Testing.Mail;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// GET /api/alerts over a real outbox (Azurite): a notice whose SMTP server never answered is undelivered after the
/// retry horizon and listed with the channel's last error, beside one still pending; filters, limit and bad parameters.
/// </summary>
public sealed class AlertsApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task An_undelivered_notice_after_the_horizon_is_listed_with_its_channels_last_error_and_counted()
    {
        using var rig = await UndeliveredAndPendingAsync();
        var handler = new AlertsHandler(rig.Get<IAlertNoticeLog>(), rig.Time);

        var all = (await Answer.Of(r => handler.ListAsync(r, CancellationToken.None))).Json;

        Assert.Equal(1, all.GetProperty("undelivered").GetInt32());
        Assert.Equal(1, all.GetProperty("pending").GetInt32());
        Assert.Equal(2, all.GetProperty("matching").GetInt32());
        Assert.False(all.GetProperty("truncated").GetBoolean());
        var alerts = all.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(["pending", "undelivered"], alerts.Select(a => a.GetProperty("state").GetString()));
        var undelivered = alerts[1];
        Assert.Equal("opened", undelivered.GetProperty("kind").GetString());
        Assert.Equal("home", undelivered.GetProperty("probeId").GetString());
        var incident = Assert.Single(undelivered.GetProperty("incidents").EnumerateArray());
        Assert.Equal(Hostile, incident.GetProperty("target").GetString());
        Assert.Equal("down", incident.GetProperty("type").GetString());
        var channel = Assert.Single(undelivered.GetProperty("channels").EnumerateArray());
        Assert.Equal("email", channel.GetProperty("type").GetString());
        Assert.Equal("undelivered", channel.GetProperty("state").GetString());
        Assert.True(channel.GetProperty("attempts").GetInt32() >= 15);
        Assert.False(string.IsNullOrWhiteSpace(channel.GetProperty("lastError").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, channel.GetProperty("sentAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, channel.GetProperty("nextAttemptAt").ValueKind);
        var pendingChannel = Assert.Single(alerts[0].GetProperty("channels").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.String, pendingChannel.GetProperty("nextAttemptAt").ValueKind);
    }

    [Theory]
    [InlineData("?state=undelivered", 1, "undelivered")]
    [InlineData("?state=pending", 1, "pending")]
    [InlineData("?state=delivered", 0, null)]
    [InlineData("?state=refused", 0, null)]
    [InlineData("?limit=1", 2, "pending")]
    [InlineData("?from=2025-03-01T12:00:00Z&to=2025-03-01T13:00:00Z", 0, null)]
    public async Task Filters_and_limit_choose_the_notices_and_the_counts_stay_those_of_the_range(string query, int matching, string? firstState)
    {
        using var rig = await UndeliveredAndPendingAsync();
        var handler = new AlertsHandler(rig.Get<IAlertNoticeLog>(), rig.Time);

        var list = (await Answer.Of(r => handler.ListAsync(r, CancellationToken.None), query)).Json;

        Assert.Equal(matching, list.GetProperty("matching").GetInt32());
        var alerts = list.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(firstState, alerts.FirstOrDefault().ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : alerts[0].GetProperty("state").GetString());
        Assert.Equal(query == "?limit=1", list.GetProperty("truncated").GetBoolean());
        if (!query.StartsWith("?from", StringComparison.Ordinal))
        {
            Assert.Equal(1, list.GetProperty("undelivered").GetInt32());
        }
    }

    [Theory]
    [InlineData("?state=lost", "state")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2025-03-02", "to")]
    [InlineData("?from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z", "from")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        using var rig = AlertRig.Create(azurite.ConnectionString, AlertRig.SmtpSettings(SmtpSink.FreePort()));
        var handler = new AlertsHandler(rig.Get<IAlertNoticeLog>(), rig.Time);

        var answer = await Answer.Of(r => handler.ListAsync(r, CancellationToken.None), query);

        answer.AssertProblem(400, parameter);
    }

    /// <summary>One notice to an SMTP server that never listens, past a one-hour horizon, then a second one still retrying.</summary>
    private async Task<AlertRig> UndeliveredAndPendingAsync()
    {
        var settings = AlertRig.SmtpSettings(SmtpSink.FreePort());
        settings["NetPulse:Alerts:RetryHorizon"] = "01:00:00";
        var rig = AlertRig.Create(azurite.ConnectionString, settings);
        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down(target: Hostile, id: "inc-1")));
        await rig.RunMinutesAsync(65);
        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down(target: "printer", id: "inc-2", start: rig.Time.GetUtcNow())));
        rig.Time.Advance(TimeSpan.FromSeconds(10));
        return rig;
    }
}
