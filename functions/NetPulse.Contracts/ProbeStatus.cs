namespace NetPulse.Contracts;

/// <summary>
/// How the probe itself is doing when it closes a batch: travels with every batch (optional, so older probes'
/// batches still read), so the fleet view (<c>GET /api/probes</c>) knows each probe's version, backlog, ICMP path
/// and clock without a channel of its own.
/// </summary>
public sealed record ProbeStatus
{
    public const int MaxTextLength = 64;

    /// <summary>Clock offsets beyond a day are a broken clock, not a measurement; the rules refuse them.</summary>
    public const int MaxClockOffsetMs = 86_400_000;

    /// <summary>The probe's software version ("1.4.0+abc1234").</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>Where the probe stands ("office-berlin"), from <c>Probe:Site</c>: names the probe where a target name is ambiguous.</summary>
    public string? Site { get; init; }

    /// <summary>The ICMP path the probe pings with: "raw-socket", "datagram-socket" or "ping-class".</summary>
    public string? IcmpEngine { get; init; }

    /// <summary>Batches waiting in the probe's spool when this one closed (this one not counted).</summary>
    public int SpoolDepth { get; init; }

    /// <summary>When the oldest batch still waiting in the spool closed; null when none waits.</summary>
    public DateTimeOffset? OldestUnsentAt { get; init; }

    /// <summary>
    /// The probe's clock minus the backend's, in milliseconds, as the probe last measured it (the Date of the
    /// target list's answer, so about a second's resolution); null when it has not measured.
    /// </summary>
    public int? ClockOffsetMs { get; init; }

    /// <summary>The version (ETag) of the centrally managed target list the probe runs; null when it runs its own file.</summary>
    public string? TargetListVersion { get; init; }

    /// <summary>What is wrong with this status, each with the field (camelCase) it concerns; empty when valid.</summary>
    public IEnumerable<(string Field, string Problem)> Problems()
    {
        foreach (var (field, text) in new[] { ("softwareVersion", SoftwareVersion), ("site", Site), ("icmpEngine", IcmpEngine), ("targetListVersion", TargetListVersion) })
        {
            if (text is { Length: 0 or > MaxTextLength })
            {
                yield return (field, $"must be 1-{MaxTextLength} characters");
            }
            else if (TargetSettings.DescribeHiddenCharacter(text) is { } hidden)
            {
                yield return (field, hidden);
            }
        }

        if (SpoolDepth < 0)
        {
            yield return ("spoolDepth", $"is {SpoolDepth}; it must not be negative");
        }

        if (ClockOffsetMs is < -MaxClockOffsetMs or > MaxClockOffsetMs)
        {
            yield return ("clockOffsetMs", $"is {ClockOffsetMs}; it must be within ±{MaxClockOffsetMs} (a day)");
        }
    }
}
