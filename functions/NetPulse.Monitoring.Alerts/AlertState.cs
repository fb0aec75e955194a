using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts;

/// <summary>Alerts are rate-limited per target and incident type: a flapping link must not flood a mailbox.</summary>
public sealed record AlertKey(string ProbeId, string TargetName, IncidentType Type)
{
    public static AlertKey Of(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new AlertKey(incident.ProbeId, incident.TargetName, incident.Type);
    }
}

/// <summary>What the sender remembers about one target and incident type.</summary>
public sealed record AlertState
{
    public required AlertKey Key { get; init; }

    /// <summary>The incident last announced as opened (a notice, or held back by the cooldown) and not yet resolved.</summary>
    public AlertIncident? OpenIncident { get; init; }

    /// <summary>When an "opened" notice or a reminder for this key was last put in the outbox: the cooldown and reminders count from it.</summary>
    public DateTimeOffset? LastOpenedMailAt { get; init; }

    /// <summary>The incident whose recovery notice was raised last, so a replayed decision raises nothing.</summary>
    public string? LastResolvedIncidentId { get; init; }

    /// <summary>When the open incident was escalated; null while it is not (escalation happens once per incident).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>When the open incident's next reminder is due (a reminder interval after its last notice); null with none open.</summary>
    public DateTimeOffset? RemindAt(AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OpenIncident is { } open ? (LastOpenedMailAt ?? open.Incident.Start) + options.ReminderInterval : null;
    }

    /// <summary>
    /// When the open incident is to be escalated: an urgent kind (down, probe silent), not escalated yet, with
    /// escalation channels configured, <see cref="AlertEscalationOptions.After"/> after its start; else null.
    /// </summary>
    public DateTimeOffset? EscalateAt(AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OpenIncident is { } open && options.Escalation.Channels.Count > 0 && IncidentKind.Of(open.Incident.Type).Urgent && EscalatedAt is null
            ? open.Incident.Start + options.Escalation.After
            : null;
    }

    /// <summary>The earlier of <see cref="RemindAt"/> and <see cref="EscalateAt"/>: when DeliverAlerts must look at this key.</summary>
    public DateTimeOffset? DueAt(AlertOptions options) =>
        (RemindAt(options), EscalateAt(options)) switch
        {
            ({ } remind, { } escalate) => remind < escalate ? remind : escalate,
            (var remind, var escalate) => remind ?? escalate,
        };
}
