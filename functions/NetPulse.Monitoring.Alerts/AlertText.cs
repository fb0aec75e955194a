using System.Globalization;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts;

/// <summary>How an alert's own values read in a message; general text, durations and times are <see cref="MailText"/>'s.</summary>
internal static class AlertText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The target's name, or the probe for a probe-silent incident (which has no target).</summary>
    public static string Subject(Incident incident) =>
        IncidentKind.Of(incident.Type).OfProbe || string.IsNullOrWhiteSpace(incident.TargetName)
            ? $"probe {MailText.SingleLine(incident.ProbeId)}"
            : MailText.SingleLine(incident.TargetName);

    /// <summary>As <see cref="Subject(Incident)"/>, naming the probe too where the target's name is ambiguous (<see cref="AlertIncident.TargetLabel"/>).</summary>
    public static string Subject(AlertIncident alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.TargetLabel is { } label && !IncidentKind.Of(alert.Incident.Type).OfProbe && !string.IsNullOrWhiteSpace(alert.Incident.TargetName)
            ? MailText.SingleLine(label)
            : Subject(alert.Incident);
    }

    public static string Uptime(double? percent) =>
        percent is { } p ? string.Create(Invariant, $"{p:0.00} %") : "not known yet";

}
