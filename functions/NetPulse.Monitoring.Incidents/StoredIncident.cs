using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>What the alerts queue has been told about an incident; stored so a replay never tells it twice.</summary>
internal enum Announcement
{
    /// <summary>Nothing yet (or an open incident whose rounds are too old to announce as news).</summary>
    None,
    /// <summary>An Opened alert went out; a Resolved one follows when it resolves.</summary>
    Opened,
    /// <summary>A Resolved alert went out: done.</summary>
    Resolved,
    /// <summary>It was over when found (a late backlog): it waits to go out with the others in one Summary alert.</summary>
    Pending,
    /// <summary>It went out in a Summary alert: done.</summary>
    Summarized,
    /// <summary>Grouped under the uplink's incident, whose alert names it: not announced on its own.</summary>
    Grouped,
    /// <summary>Under maintenance (<see cref="StoredIncident.MaintenanceWindowId"/>): recorded, not announced, opening or resolving.</summary>
    Muted,
}

/// <summary>An incident with the bookkeeping detection and alerting need beside the public <see cref="Incident"/>.</summary>
internal sealed record StoredIncident
{
    public required string Id { get; init; }

    public required string ProbeId { get; init; }

    /// <summary>Empty for <see cref="IncidentType.ProbeSilent"/>.</summary>
    public required string TargetName { get; init; }

    public required IncidentType Type { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>The round (or watchdog run) at which the incident opened; detection restarts from state taken at such points.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset? End { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public double? PeakValue { get; init; }

    public double? Threshold { get; init; }

    public string? GroupedUnderIncidentId { get; init; }

    public Announcement Announcement { get; init; }

    /// <summary>See <see cref="Incident.MaintenanceWindowId"/>.</summary>
    public string? MaintenanceWindowId { get; init; }

    [JsonIgnore]
    public bool IsOpen => ClosedAt is null;

    /// <summary>Open just before <paramref name="time"/>: opened earlier and not closed before it.</summary>
    public bool IsOpenBefore(DateTimeOffset time) => OpenedAt < time && (ClosedAt is null || ClosedAt >= time);

    public Incident ToIncident() => new()
    {
        Id = Id,
        ProbeId = ProbeId,
        TargetName = TargetName,
        Type = Type,
        Start = Start,
        End = End,
        PeakValue = PeakValue,
        Threshold = Threshold,
        GroupedUnderIncidentId = GroupedUnderIncidentId,
        MaintenanceWindowId = MaintenanceWindowId,
    };

    public IncidentEntity ToEntity() => new()
    {
        PartitionKey = TableKeys.IncidentPartition(Start),
        RowKey = TableKeys.IncidentRow(Start, Id),
        Id = Id,
        ProbeId = ProbeId,
        TargetName = TargetName,
        Type = Type.ToString(),
        Start = Start,
        OpenedAt = OpenedAt,
        End = End,
        ClosedAt = ClosedAt,
        PeakValue = PeakValue,
        Threshold = Threshold,
        GroupedUnderIncidentId = GroupedUnderIncidentId,
        Announcement = Announcement.ToString(),
        MaintenanceWindowId = MaintenanceWindowId,
    };

    public static StoredIncident FromEntity(IncidentEntity entity) => new()
    {
        Id = entity.Id,
        ProbeId = entity.ProbeId,
        TargetName = entity.TargetName,
        Type = Enum.Parse<IncidentType>(entity.Type),
        Start = entity.Start.ToUniversalTime(),
        OpenedAt = entity.OpenedAt.ToUniversalTime(),
        End = entity.End?.ToUniversalTime(),
        ClosedAt = entity.ClosedAt?.ToUniversalTime(),
        PeakValue = entity.PeakValue,
        Threshold = entity.Threshold,
        GroupedUnderIncidentId = entity.GroupedUnderIncidentId,
        Announcement = Enum.Parse<Announcement>(entity.Announcement),
        MaintenanceWindowId = entity.MaintenanceWindowId,
    };

    public static string ToJson(IReadOnlyList<StoredIncident> incidents) =>
        JsonSerializer.Serialize(incidents, StoredIncidentJsonContext.Default.IReadOnlyListStoredIncident);

    public static IReadOnlyList<StoredIncident> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StoredIncidentJsonContext.Default.IReadOnlyListStoredIncident) ?? [];

    public static string ToJson(StoredIncident incident) =>
        JsonSerializer.Serialize(incident, StoredIncidentJsonContext.Default.StoredIncident);

    public static StoredIncident? FromJsonSingle(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, StoredIncidentJsonContext.Default.StoredIncident);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<StoredIncident>))]
[JsonSerializable(typeof(StoredIncident))]
internal sealed partial class StoredIncidentJsonContext : JsonSerializerContext;
