using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>Copies of target rows with one thing changed; the ETag stays with the row it was read as.</summary>
internal static class TargetRows
{
    public static TargetEntity WithIncidents(TargetEntity e, IReadOnlyList<StoredIncident> incidents)
    {
        var copy = e.Copy();
        copy.Incidents = IncidentsJson(incidents);
        return copy;
    }

    public static string? IncidentsJson(IReadOnlyList<StoredIncident> incidents) => incidents.Count == 0 ? null : StoredIncident.ToJson(incidents);
}
