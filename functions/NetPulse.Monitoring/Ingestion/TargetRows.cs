using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Ingestion;

/// <summary>Copies of target rows with one thing changed; the ETag stays with the row it was read as.</summary>
internal static class TargetRows
{
    public static TargetEntity Copy(TargetEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        ETag = e.ETag,
        ProbeId = e.ProbeId,
        Name = e.Name,
        Host = e.Host,
        Category = e.Category,
        Description = e.Description,
        Uplink = e.Uplink,
        IntervalMs = e.IntervalMs,
        LatencyThresholdMs = e.LatencyThresholdMs,
        LossThresholdPercent = e.LossThresholdPercent,
        FirstSampleAt = e.FirstSampleAt,
        Incidents = e.Incidents,
    };

    public static TargetEntity WithIncidents(TargetEntity e, IReadOnlyList<StoredIncident> incidents)
    {
        var copy = Copy(e);
        copy.Incidents = IncidentsJson(incidents);
        return copy;
    }

    public static string? IncidentsJson(IReadOnlyList<StoredIncident> incidents) => incidents.Count == 0 ? null : StoredIncident.ToJson(incidents);
}
