using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// The legacy "alerts" queue body: UTF-8 JSON, camelCase, enums as names. DeliverAlerts decodes what an upgrade
/// left on that queue; tests encode with it to put such a message there.
/// </summary>
public static class AlertMessageCodec
{
    public static string Encode(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.Serialize(message, AlertMessageJsonContext.Default.AlertMessage);
    }

    /// <exception cref="InvalidAlertMessageException">The text is not an alert message with at least one incident.</exception>
    public static AlertMessage Decode(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new InvalidAlertMessageException("alert message is empty");
        }

        AlertMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(json, AlertMessageJsonContext.Default.AlertMessage);
        }
        catch (JsonException ex)
        {
            throw new InvalidAlertMessageException($"alert message is not valid: {ex.Message}", ex);
        }

        if (message is null)
        {
            throw new InvalidAlertMessageException("alert message is JSON null");
        }

        // The string-enum converter also takes numbers: a number that names no member stops here, so the
        // switches over kinds and types downstream need no default arm.
        if (!Enum.IsDefined(message.Kind))
        {
            throw new InvalidAlertMessageException($"alert message kind {(int)message.Kind} is none of {string.Join(", ", Enum.GetNames<AlertKind>())}");
        }

        if (message.Incidents is null || message.Incidents.Count == 0)
        {
            throw new InvalidAlertMessageException($"a {message.Kind} alert message must carry at least one incident");
        }

        if (message.Kind is AlertKind.Opened or AlertKind.Resolved && message.Incidents.Count != 1)
        {
            throw new InvalidAlertMessageException(
                $"a {message.Kind} alert message carries exactly one incident, not {message.Incidents.Count}");
        }

        foreach (var item in message.Incidents)
        {
            if (item?.Incident is null)
            {
                throw new InvalidAlertMessageException("an alert message holds an entry without its incident");
            }

            if (!Enum.IsDefined(item.Incident.Type))
            {
                throw new InvalidAlertMessageException($"incident {item.Incident.Id} has type {(int)item.Incident.Type}, which is no incident kind");
            }
        }

        return message;
    }

    public static AlertMessage Decode(ReadOnlySpan<byte> utf8Json) => Decode(Encoding.UTF8.GetString(utf8Json));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AlertMessage))]
[JsonSerializable(typeof(AlertIncident))]
internal sealed partial class AlertMessageJsonContext : JsonSerializerContext;
