using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Monitoring.Alerts.Channels.Http;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Channels.Webhook;

/// <summary>
/// The generic webhook's JSON body, schema version 1 (README, "Alert channels"). Values are the data itself, not
/// display text: names exactly as configured (JSON escapes them, including &lt; &gt; &amp; ' and U+202E), times as
/// ISO 8601 UTC, the incident type by its API name. Fields are only ever added within a version; a rename or a removal
/// makes version 2. Pure: no clock, no I/O.
/// </summary>
public static class WebhookMessageBuilder
{
    /// <summary>The schema version in every body's "version".</summary>
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The UTF-8 body; the signature is computed over exactly these bytes.</summary>
    public static byte[] Build(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var body = new WebhookBody(
            SchemaVersion,
            notice.Id,
            NoticeText.KindName(notice.Kind),
            notice.RaisedAt.ToUniversalTime(),
            notice.Escalated,
            NoticeText.Title(notice),
            [.. notice.Incidents.Select(Incident)],
            notice.Report is { } report ? new WebhookReport(report.Title, report.Lines) : null,
            new WebhookLinks(notice.AcknowledgeUrl?.AbsoluteUri, notice.DashboardUrl?.AbsoluteUri));
        return JsonSerializer.SerializeToUtf8Bytes(body, Json);
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256, keyed with the UTF-8 secret, of "&lt;timestamp&gt;.&lt;body&gt;".</summary>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private static WebhookIncident Incident(AlertIncident alert)
    {
        var incident = alert.Incident;
        return new WebhookIncident(
            incident.Id,
            incident.ProbeId,
            IncidentKind.Of(incident.Type).OfProbe ? null : incident.TargetName,
            alert.TargetHost,
            alert.TargetCategory,
            alert.TargetDescription,
            IncidentKind.Of(incident.Type).ApiName,
            IncidentKind.Of(incident.Type).Problem,
            incident.Start.ToUniversalTime(),
            incident.End?.ToUniversalTime(),
            incident.End is { } end ? (long)(end - incident.Start).TotalSeconds : null,
            incident.PeakValue,
            incident.Threshold,
            alert.Uptime24hPercent,
            alert.GroupedTargets);
    }

    private sealed record WebhookBody(
        int Version,
        string Id,
        string Kind,
        DateTimeOffset RaisedAt,
        bool Escalated,
        string Title,
        IReadOnlyList<WebhookIncident> Incidents,
        WebhookReport? Report,
        WebhookLinks Links);

    private sealed record WebhookIncident(
        string Id,
        string ProbeId,
        string? Target,
        string? Host,
        string? Category,
        string? Description,
        string Type,
        string Problem,
        DateTimeOffset Start,
        DateTimeOffset? End,
        long? DurationSeconds,
        double? Peak,
        double? Threshold,
        double? Uptime24hPercent,
        IReadOnlyList<string> GroupedTargets);

    private sealed record WebhookReport(string Title, IReadOnlyList<string> Lines);

    private sealed record WebhookLinks(string? Acknowledge, string? Dashboard);
}
