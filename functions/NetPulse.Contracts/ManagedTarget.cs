using System.Diagnostics.CodeAnalysis;

namespace NetPulse.Contracts;

/// <summary>
/// A target as the backend keeps it for a probe (central management): its <see cref="TargetSettings"/> plus what
/// only the probe acts on. The API stores and serves these; the probe fetches its list and runs it. Both check it
/// with <see cref="TargetListRules"/>, the same rules the probe applies to its own targets file.
/// </summary>
public sealed record ManagedTarget : TargetSettings
{
    public ManagedTarget()
    {
    }

    [SetsRequiredMembers]
    public ManagedTarget(TargetSettings settings, bool enabled = true, int? timeoutMs = null)
        : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
        Enabled = enabled;
        TimeoutMs = timeoutMs;
    }

    /// <summary>A disabled target stays in the list (and its history) but is not pinged.</summary>
    /// <remarks>
    /// A setter, not init: source-generated JSON assigns every init-only property in its object initializer, so a
    /// list without "enabled" would read as disabled; with a setter a missing property keeps this default.
    /// </remarks>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a round waits for its reply; unset, the probe's <c>Probe:TimeoutMs</c> (never more than the interval).</summary>
    public int? TimeoutMs { get; init; }
}

/// <summary>
/// The targets one probe runs, as the backend serves them to the probe (<c>GET /api/probes/{id}/target-list</c>)
/// and as the probe keeps its last good copy on disk. <see cref="Version"/> is the list's ETag.
/// </summary>
public sealed record ManagedTargetList
{
    /// <summary>
    /// The header on the backend's answers to the probe's signed fetch: a read-only SAS URL of the probe's list signal blob,
    /// whose content is the list's <see cref="Version"/> and whose ETag changes with every change, so the probe learns of a
    /// change from a blob read rather than from a function execution.
    /// </summary>
    public const string SignalHeader = "NetPulse-List-Signal";

    public required string ProbeId { get; init; }

    /// <summary>Changes whenever any target of the probe changes; the probe sends it back as If-None-Match.</summary>
    public required string Version { get; init; }

    public required IReadOnlyList<ManagedTarget> Targets { get; init; }

    /// <summary>The list as JSON (camelCase, nulls left out).</summary>
    public byte[] ToJson() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this, PingBatchJsonContext.Default.ManagedTargetList);

    /// <exception cref="System.Text.Json.JsonException">The bytes are not a target list.</exception>
    public static ManagedTargetList FromJson(ReadOnlySpan<byte> json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, PingBatchJsonContext.Default.ManagedTargetList)
        ?? throw new System.Text.Json.JsonException("the target list is JSON null");
}
