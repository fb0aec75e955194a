using System.Text;
using System.Text.Json;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Ntfy;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

public sealed class NtfyChannelTests
{
    private readonly NtfyMessageBuilder _builder = new(ChannelRig.Text);

    public static TheoryData<string, int> Priorities() => new()
    {
        { "down opened", 5 },
        { "probe silent opened", 5 },
        { "latency opened", 4 },
        { "loss opened", 4 },
        { "escalated latency", 5 },
        { "reminder", 4 },
        { "resolved", 3 },
        { "summary", 3 },
        { "report", 3 },
    };

    [Theory]
    [MemberData(nameof(Priorities))]
    public void Priority_follows_the_notice(string notice, int priority)
    {
        var sample = notice switch
        {
            "down opened" => ChannelRig.Opened(),
            "probe silent opened" => ChannelRig.Opened(ChannelRig.Named("", IncidentType.ProbeSilent)),
            "latency opened" => ChannelRig.Opened(ChannelRig.Named("dns", IncidentType.Latency)),
            "loss opened" => ChannelRig.Opened(ChannelRig.Named("dns", IncidentType.Loss)),
            "escalated latency" => ChannelRig.Opened(ChannelRig.Named("dns", IncidentType.Latency), escalated: true),
            "reminder" => ChannelRig.Reminder(),
            "resolved" => ChannelRig.Resolved(),
            "summary" => ChannelRig.Summary(3),
            "report" => ChannelRig.Report(),
            _ => throw new ArgumentOutOfRangeException(nameof(notice)),
        };

        Assert.Equal(priority, NtfyMessageBuilder.Priority(sample));
        Assert.Equal(priority, Parse(sample).GetProperty("priority").GetInt32());
    }

    [Fact]
    public void Tags_title_click_and_the_acknowledge_button_come_from_the_notice()
    {
        var message = Parse(ChannelRig.Opened(escalated: true));

        Assert.Equal("topic-1", message.GetProperty("topic").GetString());
        Assert.Equal("Escalated: Down: gateway", message.GetProperty("title").GetString());
        Assert.Equal(["sos", "rotating_light"], message.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(ChannelRig.DashboardUrl.AbsoluteUri, message.GetProperty("click").GetString());
        var action = Assert.Single(message.GetProperty("actions").EnumerateArray());
        Assert.Equal("view", action.GetProperty("action").GetString());
        Assert.Equal("Acknowledge", action.GetProperty("label").GetString());
        Assert.Equal(ChannelRig.AcknowledgeUrl.AbsoluteUri, action.GetProperty("url").GetString());
        Assert.StartsWith("gateway: down since 2025-03-01 14:00:00 Europe/Berlin", message.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("\nTarget: gateway (192.0.2.1)", message.GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.Equal(
            ["rotating_light", "white_check_mark", "hourglass", "memo", "bar_chart"],
            ChannelRig.EveryKind().Take(5).Select(n => Parse(n).GetProperty("tags")[0].GetString()));
        Assert.False(Parse(ChannelRig.Resolved()).TryGetProperty("actions", out _));
    }

    [Fact]
    public void A_utf8_title_survives_and_hostile_names_make_no_link()
    {
        Assert.StartsWith("Down: Küche 😀 ✓", Parse(ChannelRig.Opened(ChannelRig.Named("Küche 😀 ✓"))).GetProperty("title").GetString(), StringComparison.Ordinal);

        foreach (var name in ChannelRig.HostileNames)
        {
            var message = Parse(ChannelRig.Opened(ChannelRig.Named(name)));
            var title = message.GetProperty("title").GetString()!;
            var text = message.GetProperty("message").GetString()!;

            Assert.DoesNotContain("://", title + text, StringComparison.Ordinal);
            Assert.DoesNotContain('\u202E', title + text);
            Assert.DoesNotContain('\n', title);
            Assert.False(message.TryGetProperty("markdown", out _));
        }
    }

    [Fact]
    public void A_long_summary_stays_under_ntfy_message_limit_and_says_how_many_more()
    {
        var text = Parse(ChannelRig.Summary(200, new string('x', 500))).GetProperty("message").GetString()!;

        Assert.True(Encoding.UTF8.GetByteCount(text) <= NtfyMessageBuilder.MaxMessageBytes);
        Assert.Matches(@"\nand 1\d\d more$", text);
    }

    [Fact]
    public async Task Delivery_publishes_json_to_the_server_root_with_the_access_token()
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, "ntfy", "phone", ChannelRig.SinkSettings("ntfy", sink));

        await channel.DeliverAsync(ChannelRig.Opened(), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.Equal("/", request.Path);
        Assert.Equal("Bearer tk_SeCrEt", request.Headers["Authorization"]);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("SeCrEt-topic", body.GetProperty("topic").GetString());
        Assert.Equal(5, body.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task A_topic_url_with_a_base_path_and_a_user_and_password_work_too()
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, "ntfy", "phone", new Dictionary<string, string?>
        {
            ["TopicUrl"] = sink.Url("/ntfy/alerts-7f3a").AbsoluteUri,
            ["Username"] = "phil",
            ["Password"] = "pässword",
        });

        await channel.DeliverAsync(ChannelRig.Resolved(), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.Equal("/ntfy/", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("phil:pässword")), request.Headers["Authorization"]);
        Assert.Equal("alerts-7f3a", JsonDocument.Parse(request.Body).RootElement.GetProperty("topic").GetString());
    }

    private JsonElement Parse(AlertNotice notice) => JsonDocument.Parse(_builder.Build(notice, "topic-1")).RootElement;
}
