using Azure;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>What marking an incident as maintenance afterwards came to.</summary>
public enum MaintenanceMarkOutcome
{
    Done,
    NotFound,
    /// <summary>Still open: its state lives with detection, so a window (POST /api/maintenance) mutes it instead.</summary>
    StillOpen,
}

/// <summary>
/// Marks a past incident as maintenance (or as unplanned again) after the fact, so the daily report counts it as
/// planned downtime once rebuilt. Only closed incidents: an open one's row is rewritten by detection.
/// </summary>
public sealed class IncidentMaintenanceMarks
{
    private readonly MonitoringTables _tables;

    internal IncidentMaintenanceMarks(MonitoringTables tables)
    {
        _tables = tables;
    }

    public async Task<(MaintenanceMarkOutcome Outcome, Incident? Incident)> MarkAsync(string incidentId, bool maintenance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _tables.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (!IncidentIds.TryParseStart(incidentId, out var start))
            {
                return (MaintenanceMarkOutcome.NotFound, null);
            }

            var found = await _tables.Incidents.GetEntityIfExistsAsync<IncidentEntity>(
                TableKeys.IncidentPartition(start), TableKeys.IncidentRow(start, incidentId), cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is not { } entity)
            {
                return (MaintenanceMarkOutcome.NotFound, null);
            }

            var incident = StoredIncident.FromEntity(entity);
            if (incident.IsOpen)
            {
                return (MaintenanceMarkOutcome.StillOpen, incident.ToIncident());
            }

            var marked = incident with
            {
                MaintenanceWindowId = maintenance ? incident.MaintenanceWindowId ?? MaintenanceWindow.MarkedAfterwards : null,
            };
            if (marked == incident)
            {
                return (MaintenanceMarkOutcome.Done, marked.ToIncident());
            }

            try
            {
                await _tables.Incidents.UpdateEntityAsync(marked.ToEntity(), entity.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                return (MaintenanceMarkOutcome.Done, marked.ToIncident());
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 3)
            {
                // Detection rewrote the row meanwhile: mark what it wrote.
            }
        }
    }
}
