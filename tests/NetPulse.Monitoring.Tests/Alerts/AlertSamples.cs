using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>Incidents and alert messages as ingestion would raise them.</summary>
internal static class AlertSamples
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 13, 0, 0, TimeSpan.Zero);

    public static AlertIncident Down(
        string target = "gateway",
        string id = "inc-1",
        DateTimeOffset? start = null,
        DateTimeOffset? end = null,
        IReadOnlyList<string>? grouped = null) =>
        new()
        {
            Incident = new Incident
            {
                Id = id,
                ProbeId = "home",
                TargetName = target,
                Type = IncidentType.Down,
                Start = start ?? Start,
                End = end,
                PeakValue = 7,
                Threshold = 3,
            },
            TargetHost = "192.0.2.1",
            TargetCategory = "isp",
            TargetDescription = "ISP gateway",
            Uptime24hPercent = 99.5,
            GroupedTargets = grouped ?? [],
        };

    public static AlertIncident Latency(string target, string id, DateTimeOffset start, DateTimeOffset end) =>
        new()
        {
            Incident = new Incident
            {
                Id = id,
                ProbeId = "home",
                TargetName = target,
                Type = IncidentType.Latency,
                Start = start,
                End = end,
                PeakValue = 212.4,
                Threshold = 150,
            },
            TargetHost = "198.51.100.7",
        };

    public static AlertMessage Opened(AlertIncident incident) =>
        new() { Kind = AlertKind.Opened, Incidents = [incident], RaisedAt = incident.Incident.Start };

    public static AlertMessage Resolved(AlertIncident incident) =>
        new() { Kind = AlertKind.Resolved, Incidents = [incident], RaisedAt = incident.Incident.End ?? incident.Incident.Start };

    public static AlertIncident Ended(AlertIncident incident, DateTimeOffset end) =>
        incident with { Incident = incident.Incident with { End = end } };
}
