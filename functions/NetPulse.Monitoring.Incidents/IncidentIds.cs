using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetPulse.Monitoring.Incidents;

/// <summary>Incident ids: stable, so a replay finds the incident it made before, and telling where the incident is stored.</summary>
public static class IncidentIds
{
    /// <summary>
    /// A stable incident id: the start second in UTC (so the id alone finds its partition and row), the type,
    /// and a hash of probe, target, type and start. Replays and shuffled deliveries give the same id.
    /// </summary>
    public static string Create(string probeId, string targetName, IncidentType type, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(probeId);
        ArgumentNullException.ThrowIfNull(targetName);
        var identity = string.Join('\n', probeId, targetName, type.ToString(), start.UtcTicks.ToString(CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        return string.Concat(
            start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture),
            "-",
            IncidentKind.Of(type).IdCode.ToString(),
            "-",
            Convert.ToHexStringLower(hash, 0, 8));
    }

    /// <summary>The start second encoded in an <see cref="Create"/>; false for a string that is not one.</summary>
    public static bool TryParseStart(string incidentId, out DateTimeOffset start)
    {
        start = default;
        if (incidentId is not { Length: 34 } || incidentId[15] != '-' || incidentId[17] != '-')
        {
            return false;
        }

        if (!DateTime.TryParseExact(incidentId.AsSpan(0, 15), "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        start = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }
}
