using System.Globalization;
using NetPulse.Contracts;
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

    /// <summary>
    /// A path snapshot in one line, TTL, address and loss per hop, with the hop from which loss persists marked:
    /// "1 10.200.1.1 0% · 2 10.200.2.1 0% · 3 10.200.3.1 50% ← loss from here". A silent hop reads "???", as in mtr.
    /// Plain text: each channel escapes it as it escapes every field.
    /// </summary>
    public static string CompactPath(PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var from = PathAnalysis.FirstPersistentLossHop(snapshot)?.Ttl;
        var hops = snapshot.Hops.Select(h => string.Create(Invariant, $"{h.Ttl} {h.Address ?? "???"} {h.LossPercent:0.#}%{(h.Ttl == from ? " ← loss from here" : "")}")).ToList();
        if (from is { } ttl && ttl > snapshot.Hops.Count)
        {
            // The destination never answered and no hop after the last answering one did either: the break is beyond the list.
            hops.Add(string.Create(Invariant, $"{ttl} ??? ← no answer from here"));
        }

        return string.Join(" · ", hops);
    }

}
