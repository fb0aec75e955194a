using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetPulse.Monitoring.Alerts.Channels.Http;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Channels.Ntfy;

/// <summary>
/// The ntfy message, published as JSON (so the title may hold any UTF-8, which ntfy's header form cannot carry):
/// topic, title, a plain-text message (ntfy's Markdown is off), priority from the notice, tags per kind, the dashboard
/// as the click action and a view button to acknowledge. Bare "scheme://" in names is broken so the app links nothing
/// a probe named. Pure: no clock, no I/O.
/// </summary>
public sealed class NtfyMessageBuilder
{
    /// <summary>ntfy turns a longer message into an attachment; stay well under its 4,096 bytes.</summary>
    public const int MaxMessageBytes = 3800;

    /// <summary>Lines of a summary or report before "and N more".</summary>
    public const int MaxListedLines = 25;

    private readonly NoticeText _text;

    public NtfyMessageBuilder(NoticeText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    /// <summary>5 (max) for an urgent kind opened (a target down, a silent probe; <see cref="IncidentKind.Urgent"/>) or an escalation; 4 for any other kind opened and every reminder; 3 (default) for the rest.</summary>
    public static int Priority(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Escalated)
        {
            return 5;
        }

        return notice.Kind switch
        {
            NoticeKind.Opened => IncidentKind.Of(notice.Incidents[0].Incident.Type).Urgent ? 5 : 4,
            NoticeKind.Reminder => 4,
            NoticeKind.Resolved or NoticeKind.Summary or NoticeKind.Report => 3,
        };
    }

    /// <summary>ntfy shows tags that are emoji short codes as emoji before the title.</summary>
    public static IReadOnlyList<string> Tags(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        string[] tags = notice.Kind switch
        {
            NoticeKind.Opened => ["rotating_light"],
            NoticeKind.Resolved => ["white_check_mark"],
            NoticeKind.Reminder => ["hourglass"],
            NoticeKind.Summary => ["memo"],
            NoticeKind.Report => ["bar_chart"],
        };
        return notice.Escalated ? ["sos", .. tags] : tags;
    }

    public byte[] Build(AlertNotice notice, string topic) => JsonSerializer.SerializeToUtf8Bytes(BuildJson(notice, topic));

    public JsonObject BuildJson(AlertNotice notice, string topic)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var message = new JsonObject
        {
            ["topic"] = topic,
            ["title"] = NoticeText.Unlinked(NoticeText.Title(notice)),
            ["message"] = NoticeText.Unlinked(Message(notice)),
            ["priority"] = Priority(notice),
            ["tags"] = new JsonArray([.. Tags(notice).Select(t => (JsonNode)t)]),
        };
        if (notice.DashboardUrl is { } dashboard)
        {
            message["click"] = dashboard.AbsoluteUri;
        }

        if (notice.AcknowledgeUrl is { } acknowledge)
        {
            message["actions"] = new JsonArray
            {
                new JsonObject { ["action"] = "view", ["label"] = "Acknowledge", ["url"] = acknowledge.AbsoluteUri, ["clear"] = true },
            };
        }

        return message;
    }

    private string Message(AlertNotice notice)
    {
        var text = new StringBuilder(_text.Lead(notice));
        var fields = _text.Fields(notice);
        if (fields.Count > 0)
        {
            text.Append('\n');
            foreach (var (label, value) in fields)
            {
                text.Append('\n').Append(label).Append(": ").Append(value);
            }
        }

        var lines = notice.Kind switch
        {
            NoticeKind.Summary => _text.SummaryLines(notice),
            NoticeKind.Report => NoticeText.ReportLines(notice),
            NoticeKind.Opened or NoticeKind.Resolved or NoticeKind.Reminder => [],
        };
        if (lines.Count > 0)
        {
            text.Append('\n');
        }

        var listed = 0;
        foreach (var line in lines.Take(MaxListedLines))
        {
            // Leave room for the "and N more" line.
            if (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(line) + 40 > MaxMessageBytes)
            {
                break;
            }

            text.Append("\n• ").Append(line);
            listed++;
        }

        if (listed < lines.Count)
        {
            text.Append('\n').Append("and ").Append(lines.Count - listed).Append(" more");
        }

        return text.ToString();
    }
}
