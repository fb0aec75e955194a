using System.Text.Json;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Slack;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

public sealed class SlackChannelTests
{
    private static readonly string[] BlockTypes = ["header", "section", "context", "actions"];

    private readonly SlackMessageBuilder _builder = new(ChannelRig.Text);

    [Fact]
    public void The_message_has_a_header_sections_a_context_buttons_and_a_fallback_text()
    {
        var message = Parse(ChannelRig.Opened());
        var blocks = message.GetProperty("blocks").EnumerateArray().ToList();

        Assert.Equal("Down: gateway", message.GetProperty("text").GetString());
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("Down: gateway", blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("gateway: down since 2025-03-01 14:00:00 Europe/Berlin (UTC+01:00).", blocks[1].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains(blocks, b => b.GetProperty("type").GetString() == "section" && b.TryGetProperty("fields", out var f)
            && f.EnumerateArray().Any(x => x.GetProperty("text").GetString() == "*Target*\ngateway (192.0.2.1)"));
        Assert.Equal("context", blocks[^2].GetProperty("type").GetString());
        var buttons = blocks[^1].GetProperty("elements").EnumerateArray().Select(b => b.GetProperty("url").GetString());
        Assert.Equal([ChannelRig.AcknowledgeUrl.AbsoluteUri, ChannelRig.DashboardUrl.AbsoluteUri], buttons);
        Assert.All(blocks, b => Assert.Contains(b.GetProperty("type").GetString(), BlockTypes));
    }

    [Fact]
    public void Every_kind_has_its_title_and_an_escalation_says_so()
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
            ChannelRig.EveryKind().Select(n => Parse(n).GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()));
        Assert.EndsWith("Escalated: nobody acknowledged it in time.", Parse(ChannelRig.Opened(escalated: true)).GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Slack_limits_hold_for_a_200_incident_summary_with_500_character_hostile_names()
    {
        var name = string.Concat(Enumerable.Repeat("<!here>*x*_", 46))[..500];
        foreach (var notice in new[] { ChannelRig.Summary(200, name), ChannelRig.Opened(ChannelRig.Named(name)), ChannelRig.Summary(200) })
        {
            var message = Parse(notice);
            var blocks = message.GetProperty("blocks").EnumerateArray().ToList();

            Assert.InRange(blocks.Count, 1, SlackMessageBuilder.MaxBlocks);
            Assert.InRange(blocks[0].GetProperty("text").GetProperty("text").GetString()!.Length, 1, 150);
            foreach (var block in blocks.Where(b => b.GetProperty("type").GetString() == "section"))
            {
                if (block.TryGetProperty("text", out var text))
                {
                    Assert.InRange(text.GetProperty("text").GetString()!.Length, 1, 3000);
                }

                if (block.TryGetProperty("fields", out var fields))
                {
                    Assert.InRange(fields.GetArrayLength(), 1, 10);
                    Assert.All(fields.EnumerateArray(), f => Assert.InRange(f.GetProperty("text").GetString()!.Length, 1, 2000));
                }
            }

            Assert.All(blocks.Where(b => b.GetProperty("type").GetString() == "context"), c => Assert.InRange(c.GetProperty("elements").GetArrayLength(), 1, 10));
            Assert.InRange(message.GetProperty("text").GetString()!.Length, 1, 3000);
        }

        var listed = string.Join("\n", Parse(ChannelRig.Summary(200)).GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section" && b.TryGetProperty("text", out _))
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Equal(SlackMessageBuilder.MaxListedLines, listed.Split('\n').Count(l => l.StartsWith("• target", StringComparison.Ordinal)));
        Assert.Contains("and 160 more", listed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!here>", "&lt;!here&gt;")]
    [InlineData("<http://evil|x>", "&lt;http://evil|x&gt;")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("@channel", "@\u200Bchannel")]
    [InlineData("*bold*", "*\u200Bbold*\u200B")]
    [InlineData("_it_ ~s~ `c`", "_\u200Bit_\u200B ~\u200Bs~\u200B `\u200Bc`\u200B")]
    [InlineData("plain 😀", "plain 😀")]
    public void Escape_makes_text_inert_for_mrkdwn(string text, string escaped) =>
        Assert.Equal(escaped, SlackMessageBuilder.Escape(text));

    [Fact]
    public void Hostile_names_make_no_mention_no_link_and_no_formatting()
    {
        foreach (var name in ChannelRig.HostileNames)
        {
            var message = Parse(ChannelRig.Opened(ChannelRig.Named(name)));
            var mrkdwn = ChannelRig.Objects(message)
                .Where(o => o.TryGetProperty("type", out var t) && t.GetString() == "mrkdwn")
                .ToList();

            Assert.All(mrkdwn, m => Assert.True(m.GetProperty("verbatim").GetBoolean()));
            var texts = mrkdwn.Select(m => m.GetProperty("text").GetString()!).Append(message.GetProperty("text").GetString()!).ToList();
            foreach (var text in texts)
            {
                // Our own formatting is "*Label*" at the start of a field; nothing else may hold a live control character.
                var value = text.StartsWith('*') ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text;
                Assert.DoesNotContain('<', value);
                Assert.DoesNotContain('>', value);
                Assert.DoesNotContain("@channel", value, StringComparison.Ordinal);
                Assert.DoesNotContain("@here", value, StringComparison.Ordinal);
                Assert.DoesNotContain("*bold", value, StringComparison.Ordinal);
                Assert.DoesNotContain("_it", value, StringComparison.Ordinal);
                Assert.DoesNotContain("`code", value, StringComparison.Ordinal);
                Assert.DoesNotContain('\u202E', value);
            }

            Assert.Equal(
                [ChannelRig.AcknowledgeUrl.AbsoluteUri, ChannelRig.DashboardUrl.AbsoluteUri],
                ChannelRig.Objects(message).Where(o => o.TryGetProperty("url", out _)).Select(o => o.GetProperty("url").GetString()));
        }
    }

    [Fact]
    public async Task Delivery_posts_the_blocks_to_the_incoming_webhook()
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, "slack", "ops-slack", ChannelRig.SinkSettings("slack", sink));

        await channel.DeliverAsync(ChannelRig.Summary(3), CancellationToken.None);

        var request = Assert.Single(sink.Requests);
        Assert.Equal("/services/T000/B000/SeCrEt-hook", request.Path);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("3 incidents already over, reported late by probe home", body.GetProperty("text").GetString());
        Assert.Equal("header", body.GetProperty("blocks")[0].GetProperty("type").GetString());
    }

    private JsonElement Parse(AlertNotice notice) => JsonDocument.Parse(_builder.Build(notice)).RootElement;
}
