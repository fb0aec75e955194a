namespace NetPulse.Monitoring.Incidents;

/// <summary>Who acknowledged an incident, and when: reminders stop and escalation does not start once it is.</summary>
public sealed record IncidentAcknowledgement(string ProbeId, string IncidentId, string By, DateTimeOffset At, string? Note);

/// <summary>
/// Reads acknowledgements. The alerts layer asks it before a reminder or an escalation; where none is registered,
/// nothing counts as acknowledged (resolve it with <c>GetService</c>, not <c>GetRequiredService</c>).
/// </summary>
public interface IIncidentAcknowledgements
{
    /// <summary>The acknowledgement of the incident; null when nobody acknowledged it.</summary>
    Task<IncidentAcknowledgement?> GetAsync(string probeId, string incidentId, CancellationToken cancellationToken);
}
