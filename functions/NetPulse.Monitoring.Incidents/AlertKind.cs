namespace NetPulse.Monitoring.Incidents;

/// <summary>What an announcement tells people about an incident.</summary>
public enum AlertKind
{
    /// <summary>An incident opened and is still open.</summary>
    Opened,
    /// <summary>An open incident resolved.</summary>
    Resolved,
    /// <summary>A late backlog revealed incidents that are already over: one email for all of them.</summary>
    Summary,
}
