using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetPulse.Monitoring.Alerts.Channels.Http;

namespace NetPulse.Monitoring.Alerts.Channels.Slack;

/// <summary>
/// The Slack message for an incoming webhook: Block Kit (a header, mrkdwn sections, a context line, link buttons) and
/// a plain "text" that notifications and old clients show. Keeps Slack's limits: header text at most 150 characters,
/// section text 3,000, 10 fields of 2,000 per section, 50 blocks; a long summary ends in "and N more". Every value
/// from configuration or a probe is escaped with <see cref="Escape"/>, and mrkdwn is sent "verbatim" so Slack does
/// not link bare URLs or channel names in it. Pure: no clock, no I/O.
/// </summary>
public sealed class SlackMessageBuilder
{
    public const int MaxHeaderLength = 150;
    public const int MaxSectionTextLength = 3000;
    public const int MaxFieldLength = 2000;
    public const int MaxFieldsPerSection = 10;
    public const int MaxBlocks = 50;

    /// <summary>Lines of a summary or report before "and N more".</summary>
    public const int MaxListedLines = 40;

    /// <summary>Slack has no escape for * _ ~ `; a zero-width space after one keeps it from opening or closing formatting.</summary>
    private const char Breaker = '\u200B';

    private readonly NoticeText _text;

    public SlackMessageBuilder(NoticeText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    /// <summary>
    /// Text made inert for mrkdwn: &amp;, &lt; and &gt; as the entities Slack requires (so "&lt;!here&gt;" and
    /// "&lt;http://x|y&gt;" are shown, not obeyed), "@" followed by a zero-width space (no @channel, @here, @user),
    /// and * _ ~ ` followed by one (no bold, italics, strike or code).
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '@' or '*' or '_' or '~' or '`': escaped.Append(c).Append(Breaker); break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    public byte[] Build(AlertNotice notice) => JsonSerializer.SerializeToUtf8Bytes(BuildJson(notice));

    public JsonObject BuildJson(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var title = NoticeText.Title(notice);
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Cut(title, MaxHeaderLength)) },
            Section(Cut(Escape(_text.Lead(notice)), MaxSectionTextLength)),
        };

        var fields = _text.Fields(notice);
        foreach (var chunk in fields.Chunk(MaxFieldsPerSection))
        {
            var mrkdwn = new JsonArray();
            foreach (var (label, value) in chunk)
            {
                mrkdwn.Add(Mrkdwn(Cut($"*{label}*\n{Escape(value)}", MaxFieldLength)));
            }

            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = mrkdwn });
        }

        var lines = notice.Kind switch
        {
            NoticeKind.Summary => _text.SummaryLines(notice),
            NoticeKind.Report => NoticeText.ReportLines(notice),
            NoticeKind.Opened or NoticeKind.Resolved or NoticeKind.Reminder => [],
        };
        var listed = lines.Take(MaxListedLines).Select(l => "• " + Escape(l)).ToList();
        if (lines.Count > MaxListedLines)
        {
            listed.Add($"and {lines.Count - MaxListedLines} more");
        }

        // Reserve a block for the context and one for the buttons; lines go into as few sections as fit.
        var section = new StringBuilder();
        foreach (var line in listed)
        {
            var fitted = Cut(line, MaxSectionTextLength);
            if (section.Length > 0 && section.Length + 1 + fitted.Length > MaxSectionTextLength)
            {
                blocks.Add(Section(section.ToString()));
                section.Clear();
            }

            section.Append(section.Length > 0 ? "\n" : string.Empty).Append(fitted);
        }

        if (section.Length > 0)
        {
            blocks.Add(Section(section.ToString()));
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { Mrkdwn(Escape($"NetPulse · {NoticeText.KindName(notice.Kind)} · notice {NoticeText.Clean(notice.Id, 120)}")) },
        });

        var buttons = new JsonArray();
        if (notice.AcknowledgeUrl is { } acknowledge)
        {
            buttons.Add(Button("acknowledge", "Acknowledge", acknowledge, primary: true));
        }

        if (notice.DashboardUrl is { } dashboard)
        {
            buttons.Add(Button("dashboard", "Open dashboard", dashboard, primary: false));
        }

        if (buttons.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = buttons });
        }

        return new JsonObject
        {
            ["text"] = Escape(title),
            ["blocks"] = blocks,
        };
    }

    /// <summary>Cuts to <paramref name="max"/> characters with an ellipsis, never inside a surrogate pair or an entity.</summary>
    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var end = max - 1;
        if (char.IsLowSurrogate(text[end]))
        {
            end--;
        }

        var amp = text.LastIndexOf('&', end - 1, Math.Min(end, 6));
        if (amp >= 0 && text.IndexOf(';', amp) >= end)
        {
            end = amp;
        }

        return string.Concat(text.AsSpan(0, end), "…");
    }

    private static JsonObject PlainText(string text) =>
        new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = false };

    private static JsonObject Mrkdwn(string text) =>
        new() { ["type"] = "mrkdwn", ["text"] = text, ["verbatim"] = true };

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    private static JsonObject Button(string id, string label, Uri url, bool primary)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = id,
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = label },
            ["url"] = url.AbsoluteUri,
        };
        if (primary)
        {
            button["style"] = "primary";
        }

        return button;
    }
}
