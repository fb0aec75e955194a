using System.Text.Json;
using System.Text.Json.Nodes;
using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Teams;

/// <summary>
/// The Teams message: one Adaptive Card (schema 1.5, the version Teams renders in channels) in a "message" envelope,
/// as a Workflows webhook expects it; not the retired connectors' MessageCard. Every configured or probe-supplied value
/// sits in a TextRun of a RichTextBlock, whose text Adaptive Cards never read as Markdown, so a hostile name cannot make
/// a link, bold or a list; bare "scheme://" is broken as well. Uses only elements of 1.5: RichTextBlock, TextRun,
/// Action.OpenUrl. Pure: no clock, no I/O.
/// </summary>
public sealed class TeamsMessageBuilder
{
    /// <summary>The Adaptive Card version of every card.</summary>
    public const string CardVersion = "1.5";

    /// <summary>Rows of a summary shown before "and N more": Teams refuses messages over about 28 KB.</summary>
    public const int MaxListedLines = 30;

    private readonly NoticeText _text;

    public TeamsMessageBuilder(NoticeText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    public byte[] Build(AlertNotice notice) => JsonSerializer.SerializeToUtf8Bytes(BuildJson(notice));

    public JsonObject BuildJson(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var body = new JsonArray
        {
            Text(NoticeText.Title(notice), size: "Large", weight: "Bolder", color: Colour(notice)),
            Text(_text.Lead(notice)),
        };

        foreach (var (label, value) in _text.Fields(notice))
        {
            body.Add(new JsonObject
            {
                ["type"] = "RichTextBlock",
                ["spacing"] = "None",
                ["inlines"] = new JsonArray { Run(label + ": ", weight: "Bolder"), Run(value) },
            });
        }

        var lines = notice.Kind switch
        {
            NoticeKind.Summary => _text.SummaryLines(notice),
            NoticeKind.Report => NoticeText.ReportLines(notice),
            NoticeKind.Opened or NoticeKind.Resolved or NoticeKind.Reminder => [],
        };
        foreach (var line in lines.Take(MaxListedLines))
        {
            body.Add(Text("• " + line, spacing: "None"));
        }

        if (lines.Count > MaxListedLines)
        {
            body.Add(Text($"and {lines.Count - MaxListedLines} more", spacing: "Small", subtle: true));
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = CardVersion,
            ["fallbackText"] = NoticeText.Title(notice),
            ["body"] = body,
        };

        var actions = new JsonArray();
        if (notice.AcknowledgeUrl is { } acknowledge)
        {
            actions.Add(OpenUrl("Acknowledge", acknowledge));
        }

        if (notice.DashboardUrl is { } dashboard)
        {
            actions.Add(OpenUrl("Open dashboard", dashboard));
        }

        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["contentUrl"] = null,
                    ["content"] = card,
                },
            },
        };
    }

    private static string Colour(AlertNotice notice) => notice.Kind switch
    {
        NoticeKind.Opened or NoticeKind.Reminder => "Attention",
        NoticeKind.Resolved => "Good",
        NoticeKind.Summary => "Warning",
        NoticeKind.Report => "Default",
    };

    private static JsonObject Text(string text, string? size = null, string? weight = null, string? color = null, string? spacing = null, bool subtle = false)
    {
        var block = new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = new JsonArray { Run(text, size, weight, color, subtle) } };
        if (spacing is not null)
        {
            block["spacing"] = spacing;
        }

        return block;
    }

    private static JsonObject Run(string text, string? size = null, string? weight = null, string? color = null, bool subtle = false)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = NoticeText.Unlinked(text) };
        if (size is not null)
        {
            run["size"] = size;
        }

        if (weight is not null)
        {
            run["weight"] = weight;
        }

        if (color is not null)
        {
            run["color"] = color;
        }

        if (subtle)
        {
            run["isSubtle"] = true;
        }

        return run;
    }

    private static JsonObject OpenUrl(string title, Uri url) =>
        new() { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url.AbsoluteUri };
}
