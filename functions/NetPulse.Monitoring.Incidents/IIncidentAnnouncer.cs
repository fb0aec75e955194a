using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Tells people about incidents that detection decided to announce. Ingestion and the watchdog call it; the alerts
/// layer implements it, so incidents never depend on how (or whether) alerts are delivered.
/// </summary>
internal interface IIncidentAnnouncer
{
    /// <param name="decisions">What to announce; silent decisions (grouped, pending a summary) are skipped.</param>
    /// <param name="targets">The probe's catalogue, for what a message says about a target.</param>
    /// <param name="known">Incidents to look in for targets grouped under an uplink incident.</param>
    Task AnnounceAsync(
        IReadOnlyList<AnnouncementDecision> decisions, IReadOnlyDictionary<string, TargetEntity> targets, IEnumerable<StoredIncident> known,
        CancellationToken cancellationToken);
}
