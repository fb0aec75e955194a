using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// The fleet as GET /api/probes shows it: every probe that is registered or has sent data, its registration joined
/// with what it last said of itself (<see cref="ProbeStatus.Reported"/>) and when it was last heard.
/// </summary>
/// <remarks>
/// Reads: the probes table (one query), the targets table's probe and target rows (one query) and each probe's
/// newest batch (one or two small queries each): nothing is written to answer it, and ingestion writes nothing per
/// batch for it (the status is a column of the batch row it writes anyway).
/// </remarks>
internal sealed class ProbeFleet(ProbeRegistry registry, TargetReader targets, TimeProvider time)
{
    public const string Reporting = "reporting";
    public const string Silent = "silent";
    public const string Revoked = "revoked";
    public const string Retired = "retired";

    public async Task<ProbeFleetList> ListAsync(CancellationToken cancellationToken)
    {
        var generatedAt = time.GetUtcNow();
        var registeredRead = registry.ListAsync(cancellationToken);
        var probesRead = targets.GetProbesAsync(cancellationToken);
        await Task.WhenAll(registeredRead, probesRead);
        var registered = registeredRead.Result.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var reporting = probesRead.Result.ToDictionary(p => p.ProbeId, StringComparer.Ordinal);
        var ids = registered.Keys.Union(reporting.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new ProbeFleetList(generatedAt, [.. ids.Select(id => View(id, registered.GetValueOrDefault(id), reporting.GetValueOrDefault(id)))]);
    }

    /// <summary>Raw sockets are the probe's own ICMP path; the datagram socket and the Ping class are its fallbacks (less precise timing).</summary>
    public static string? IcmpPath(string? engine) => engine switch
    {
        null => null,
        "raw-socket" => "raw",
        _ => "fallback",
    };

    private static ProbeFleetView View(string id, RegisteredProbe? registration, ProbeStatus? probe)
    {
        var reported = probe?.Reported;
        var state = registration?.IsRevoked == true ? Revoked
            : probe?.RetiredAt is not null ? Retired
            : probe is null || probe.SilentIncident is not null || probe.LastReceivedAt is null ? Silent
            : Reporting;
        return new ProbeFleetView
        {
            Id = id,
            KeyId = registration?.KeyId,
            PublicKey = registration?.PublicKey,
            RegisteredAt = registration?.RegisteredAt,
            RevokedAt = registration?.RevokedAt,
            State = state,
            Site = reported?.Site,
            SoftwareVersion = reported?.SoftwareVersion,
            LastSeenAt = Latest(probe?.LastReceivedAt, probe?.LastSampleAt),
            LastBatchAt = probe?.LastReceivedAt,
            LastSampleAt = probe?.LastSampleAt,
            TargetCount = probe?.BatchTargetCount,
            SpoolDepth = reported?.SpoolDepth,
            OldestUnsentAt = reported?.OldestUnsentAt,
            IcmpEngine = reported?.IcmpEngine,
            IcmpPath = IcmpPath(reported?.IcmpEngine),
            ClockOffsetMs = reported?.ClockOffsetMs,
            TargetListVersion = reported?.TargetListVersion,
            SilentSince = probe?.SilentIncident?.Start,
            RetiredAt = probe?.RetiredAt,
        };
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;
}

/// <summary>GET /api/probes: the fleet, ordered by probe id.</summary>
public sealed record ProbeFleetList(DateTimeOffset GeneratedAt, IReadOnlyList<ProbeFleetView> Probes);

/// <summary>
/// A probe of the fleet. Registration fields are null for a probe that sent data but is not registered (any more);
/// status fields are null until a probe that sends a status (<c>PingBatch.Status</c>) has sent one. Site and version
/// are text from the probe: escape them.
/// </summary>
public sealed record ProbeFleetView
{
    public required string Id { get; init; }

    public string? KeyId { get; init; }

    /// <summary>Base64 SubjectPublicKeyInfo DER.</summary>
    public string? PublicKey { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>reporting, silent (the watchdog has it open as silent, or it never sent), revoked or retired.</summary>
    public required string State { get; init; }

    public string? Site { get; init; }

    public string? SoftwareVersion { get; init; }

    /// <summary>The later of its newest batch's arrival and its newest round.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    public DateTimeOffset? LastBatchAt { get; init; }

    public DateTimeOffset? LastSampleAt { get; init; }

    /// <summary>The targets its newest batch named (the ones it pings now).</summary>
    public int? TargetCount { get; init; }

    public int? SpoolDepth { get; init; }

    public DateTimeOffset? OldestUnsentAt { get; init; }

    /// <summary>raw-socket, datagram-socket or ping-class.</summary>
    public string? IcmpEngine { get; init; }

    /// <summary>raw (the probe's own ICMP) or fallback (datagram socket or Ping class).</summary>
    public string? IcmpPath { get; init; }

    /// <summary>The probe's clock minus the backend's, in milliseconds.</summary>
    public int? ClockOffsetMs { get; init; }

    public string? TargetListVersion { get; init; }

    /// <summary>When its open probe-silent incident started.</summary>
    public DateTimeOffset? SilentSince { get; init; }

    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>The answer of a retire or un-retire: which probe or target, and whether it is retired now.</summary>
public sealed record RetirementView(string Id, bool Retired);
