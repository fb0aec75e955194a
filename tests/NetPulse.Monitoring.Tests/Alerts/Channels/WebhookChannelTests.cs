using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Alerts.Channels.Webhook;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

public sealed class WebhookChannelTests
{
    private const string Secret = "whsec-0123456789abcdef";

    [Fact]
    public void The_body_follows_schema_version_1()
    {
        var body = JsonDocument.Parse(WebhookMessageBuilder.Build(ChannelRig.Opened())).RootElement;

        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("notice-1", body.GetProperty("id").GetString());
        Assert.Equal("opened", body.GetProperty("kind").GetString());
        Assert.Equal("2025-03-01T13:00:30+00:00", body.GetProperty("raisedAt").GetString());
        Assert.False(body.GetProperty("escalated").GetBoolean());
        Assert.Equal("Down: gateway", body.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("report").ValueKind);
        Assert.Equal(ChannelRig.AcknowledgeUrl.AbsoluteUri, body.GetProperty("links").GetProperty("acknowledge").GetString());
        Assert.Equal(ChannelRig.DashboardUrl.AbsoluteUri, body.GetProperty("links").GetProperty("dashboard").GetString());

        var incident = Assert.Single(body.GetProperty("incidents").EnumerateArray());
        Assert.Equal("inc-1", incident.GetProperty("id").GetString());
        Assert.Equal("home", incident.GetProperty("probeId").GetString());
        Assert.Equal("gateway", incident.GetProperty("target").GetString());
        Assert.Equal("192.0.2.1", incident.GetProperty("host").GetString());
        Assert.Equal("isp", incident.GetProperty("category").GetString());
        Assert.Equal("down", incident.GetProperty("type").GetString());
        Assert.Equal("2025-03-01T13:00:00+00:00", incident.GetProperty("start").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("durationSeconds").ValueKind);
        Assert.Equal(7, incident.GetProperty("peak").GetDouble());
        Assert.Equal(3, incident.GetProperty("threshold").GetDouble());
        Assert.Empty(incident.GetProperty("groupedTargets").EnumerateArray());
    }

    [Fact]
    public void Every_kind_has_its_name_a_resolved_incident_its_duration_and_a_report_its_lines()
    {
        Assert.Equal(
            ["opened", "resolved", "reminder", "summary", "report", "opened"],
            ChannelRig.EveryKind().Select(n => JsonDocument.Parse(WebhookMessageBuilder.Build(n)).RootElement.GetProperty("kind").GetString()));

        var resolved = JsonDocument.Parse(WebhookMessageBuilder.Build(ChannelRig.Resolved())).RootElement.GetProperty("incidents")[0];
        Assert.Equal(250, resolved.GetProperty("durationSeconds").GetInt64());
        Assert.Equal("2025-03-01T13:04:10+00:00", resolved.GetProperty("end").GetString());

        var report = JsonDocument.Parse(WebhookMessageBuilder.Build(ChannelRig.Report())).RootElement;
        Assert.Equal("Daily report 2025-03-01", report.GetProperty("report").GetProperty("title").GetString());
        Assert.Equal(3, report.GetProperty("report").GetProperty("lines").GetArrayLength());
        Assert.Empty(report.GetProperty("incidents").EnumerateArray());

        Assert.True(JsonDocument.Parse(WebhookMessageBuilder.Build(ChannelRig.Opened(escalated: true))).RootElement.GetProperty("escalated").GetBoolean());
        Assert.Equal(3, JsonDocument.Parse(WebhookMessageBuilder.Build(ChannelRig.Summary(3))).RootElement.GetProperty("incidents").GetArrayLength());
    }

    [Fact]
    public void Hostile_names_travel_exactly_as_data_in_valid_json_with_markup_characters_escaped()
    {
        foreach (var name in ChannelRig.HostileNames)
        {
            var bytes = WebhookMessageBuilder.Build(ChannelRig.Opened(ChannelRig.Named(name)));
            var incident = JsonDocument.Parse(bytes).RootElement.GetProperty("incidents")[0];

            Assert.Equal(name, incident.GetProperty("target").GetString());
            Assert.Equal(name, incident.GetProperty("groupedTargets")[0].GetString());
            // A receiver that pastes the raw body into HTML or a log line meets no markup and no line break.
            var raw = Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain('<', raw);
            Assert.DoesNotContain('>', raw);
            Assert.DoesNotContain('\n', raw);
            Assert.DoesNotContain('\u202E', raw);
        }
    }

    [Fact]
    public void The_signature_is_the_documented_hmac()
    {
        var body = Encoding.UTF8.GetBytes("{\"version\":1}");

        // README: HMAC-SHA256, key = the secret's UTF-8 bytes, message = "<timestamp>.<body>", hex, prefixed "sha256=".
        Assert.Equal(
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret-s3cret-s3cret"), Encoding.UTF8.GetBytes("1700000000.{\"version\":1}"))),
            WebhookMessageBuilder.Sign("s3cret-s3cret-s3cret", 1_700_000_000, body));
    }

    [Fact]
    public async Task Delivery_posts_the_json_with_id_timestamp_signature_and_configured_headers()
    {
        await using var sink = await HttpSink.StartAsync();
        var now = new DateTimeOffset(2025, 3, 1, 13, 5, 0, TimeSpan.Zero);
        await using var services = ChannelRig.Services(new FakeTimeProvider(now));
        var channel = ChannelRig.Create(services, "webhook", "hooks", new Dictionary<string, string?>
        {
            ["Type"] = "webhook",
            ["Url"] = sink.Url("/netpulse/alerts?x=1").AbsoluteUri,
            ["Secret"] = Secret,
            ["Headers:X-Api-Key"] = "key-1",
        });

        await channel.DeliverAsync(ChannelRig.Opened(), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/netpulse/alerts", request.Path);
        Assert.Equal("?x=1", request.Query);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("notice-1", request.Headers["X-NetPulse-Notice-Id"]);
        Assert.Equal("key-1", request.Headers["X-Api-Key"]);
        var timestamp = request.Headers["X-NetPulse-Timestamp"];
        Assert.Equal(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp);

        // Verified as a receiver would, from the bytes on the wire and the shared secret alone.
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        Assert.True(CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-NetPulse-Signature"])));
        Assert.Equal("opened", JsonDocument.Parse(request.Body).RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Without_a_secret_the_request_is_unsigned()
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, "webhook", "hooks", new Dictionary<string, string?> { ["Url"] = sink.Url("/h").AbsoluteUri });

        await channel.DeliverAsync(ChannelRig.Resolved(), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.False(request.Headers.ContainsKey("X-NetPulse-Signature"));
        Assert.True(request.Headers.ContainsKey("X-NetPulse-Timestamp"));
    }
}
