using System.Text.Json;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Teams;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

public sealed class TeamsChannelTests
{
    /// <summary>The element and action types of Adaptive Cards 1.5 the card may use, and every property each may have.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["AdaptiveCard"] = ["type", "$schema", "version", "body", "actions", "fallbackText"],
        ["RichTextBlock"] = ["type", "inlines", "spacing"],
        ["TextRun"] = ["type", "text", "size", "weight", "color", "isSubtle"],
        ["Action.OpenUrl"] = ["type", "title", "url"],
    };

    private readonly TeamsMessageBuilder _builder = new(ChannelRig.Text);

    [Fact]
    public void The_message_is_one_adaptive_card_1_5_in_a_message_envelope_not_a_message_card()
    {
        var message = Parse(ChannelRig.Opened());

        Assert.Equal("message", message.GetProperty("type").GetString());
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("1.5", card.GetProperty("version").GetString());
        Assert.False(message.TryGetProperty("@type", out _));
        Assert.DoesNotContain("MessageCard", message.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_kind_uses_only_elements_and_properties_of_version_1_5()
    {
        foreach (var notice in ChannelRig.EveryKind().Append(ChannelRig.Summary(200)))
        {
            var card = Parse(notice).GetProperty("attachments")[0].GetProperty("content");
            foreach (var element in ChannelRig.Objects(card))
            {
                var type = element.GetProperty("type").GetString()!;
                Assert.True(Allowed.TryGetValue(type, out var properties), $"{type} is not an element this card may use");
                Assert.All(element.EnumerateObject(), p => Assert.Contains(p.Name, properties));
            }
        }
    }

    [Fact]
    public void Titles_say_what_happened_for_every_kind()
    {
        Assert.Equal(
            [
                "Down: gateway",
                "Resolved: gateway, down for 4 min 10 s",
                "Still down after 4 h 02 min: gateway",
                "3 incidents already over, reported late by probe home",
                "Daily report 2025-03-01",
                "Escalated: Down: gateway",
            ],
            ChannelRig.EveryKind().Select(n => Runs(n)[0]));
        Assert.Contains(Runs(ChannelRig.Opened(escalated: true)), r => r.Contains("nobody acknowledged it in time", StringComparison.Ordinal));
        Assert.Contains(Runs(ChannelRig.Opened()), r => r == "gateway: down since 2025-03-01 14:00:00 Europe/Berlin (UTC+01:00).");
        Assert.Contains(Runs(ChannelRig.Report()), r => r == "• Uptime: 99.95 %");
    }

    [Fact]
    public void Links_become_buttons_only_when_set()
    {
        var actions = Parse(ChannelRig.Opened()).GetProperty("attachments")[0].GetProperty("content").GetProperty("actions");
        Assert.Equal(
            [("Acknowledge", ChannelRig.AcknowledgeUrl.AbsoluteUri), ("Open dashboard", ChannelRig.DashboardUrl.AbsoluteUri)],
            actions.EnumerateArray().Select(a => (a.GetProperty("title").GetString(), a.GetProperty("url").GetString())));

        Assert.False(Parse(ChannelRig.Opened(links: false)).GetProperty("attachments")[0].GetProperty("content").TryGetProperty("actions", out _));
    }

    [Fact]
    public void A_long_summary_lists_30_incidents_and_then_how_many_more_within_teams_size_limit()
    {
        var notice = ChannelRig.Summary(200);
        var runs = Runs(notice);

        Assert.Equal(30, runs.Count(r => r.StartsWith("• target-", StringComparison.Ordinal)));
        Assert.Contains("and 170 more", runs);
        Assert.True(_builder.Build(notice).Length < 28 * 1024);
    }

    [Fact]
    public void Hostile_names_are_text_runs_that_make_no_link_and_no_markdown()
    {
        foreach (var name in ChannelRig.HostileNames)
        {
            var notice = ChannelRig.Opened(ChannelRig.Named(name));
            var card = Parse(notice).GetProperty("attachments")[0].GetProperty("content");

            // TextBlock reads Markdown; no card this builder makes has one, so every value is a TextRun, which does not.
            Assert.DoesNotContain(ChannelRig.Objects(card), e => e.GetProperty("type").GetString() == "TextBlock");
            var texts = Runs(notice);
            Assert.DoesNotContain(texts, t => t.Contains("://", StringComparison.Ordinal));
            Assert.DoesNotContain(texts, t => t.Contains('\n', StringComparison.Ordinal) || t.Contains('\u202E', StringComparison.Ordinal));
            Assert.Equal(
                [ChannelRig.AcknowledgeUrl.AbsoluteUri, ChannelRig.DashboardUrl.AbsoluteUri],
                ChannelRig.Objects(card).Where(e => e.TryGetProperty("url", out _)).Select(e => e.GetProperty("url").GetString()));
        }

        Assert.Contains(Runs(ChannelRig.Opened(ChannelRig.Named("router 😀 ü"))), r => r.StartsWith("Down: router 😀 ü (+1 target", StringComparison.Ordinal));
        Assert.Contains(Runs(ChannelRig.Opened(ChannelRig.Named("gateway\u202Eexe.txt"))), r => r.StartsWith("Down: gatewayexe.txt (+1 target", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delivery_posts_the_card_to_the_workflow_url_with_its_query()
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, "teams", "ops-teams", ChannelRig.SinkSettings("teams", sink));
        sink.AnswerWith(202);

        await channel.DeliverAsync(ChannelRig.Reminder(), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.Equal("/workflows/SeCrEt-flow/triggers/manual/paths/invoke", request.Path);
        Assert.Equal("?api-version=1&sig=SeCrEt-sig", request.Query);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("AdaptiveCard", JsonDocument.Parse(request.Body).RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("type").GetString());
    }

    private JsonElement Parse(AlertNotice notice) => JsonDocument.Parse(_builder.Build(notice)).RootElement;

    private List<string> Runs(AlertNotice notice) =>
        [.. ChannelRig.Objects(Parse(notice)).Where(e => e.TryGetProperty("type", out var t) && t.GetString() == "TextRun").Select(e => e.GetProperty("text").GetString()!)];
}
