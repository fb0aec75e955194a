using System.Net;

namespace NetPulse.Contracts;

/// <summary>
/// One MTR-style look at the path to a target: echo requests with TTL 1, 2, … sent <see cref="Cycles"/> times per hop,
/// and what answered at each TTL. Taken by the probe when trouble begins on a target and as a low-rate baseline; travels
/// with the batches (<see cref="PingBatch.Paths"/>). Addresses are numeric: names, if ever added, are the reader's job.
/// </summary>
public sealed record PathSnapshot
{
    public const int MaxHops = 64;
    public const int MaxCycles = 100;

    /// <summary>The most addresses one TTL may list besides its main one (load-balanced paths answer from several).</summary>
    public const int MaxOtherAddresses = 8;

    /// <summary>The target's name as the probe knows it (<see cref="TargetSettings.Name"/>'s rules).</summary>
    public required string Target { get; init; }

    /// <summary>The address the echo requests went to: an IPv4 or IPv6 address, numeric.</summary>
    public required string Destination { get; init; }

    /// <summary>UTC time the first request left.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How many requests each hop was sent (mtr's <c>-c</c>), 1–<see cref="MaxCycles"/>.</summary>
    public required int Cycles { get; init; }

    /// <summary>Why the probe took it: trouble beginning on the target, the periodic baseline, or a person asking.
    /// Absent in snapshots from probes older than the field; readers treat those as <see cref="PathSnapshotReason.Trouble"/>.</summary>
    public PathSnapshotReason? Reason { get; init; }

    /// <summary>True when the destination itself answered (an echo reply from <see cref="Destination"/>).</summary>
    public required bool ReachedDestination { get; init; }

    /// <summary>One entry per TTL from 1, in order, without gaps; at most <see cref="MaxHops"/>.</summary>
    public required IReadOnlyList<PathHop> Hops { get; init; }

    /// <summary>What is wrong with this snapshot, each with the field (camelCase) it concerns; empty when valid.</summary>
    public IEnumerable<(string Field, string Problem)> Problems()
    {
        if (TargetSettings.DescribeInvalidName(Target) is { } name)
        {
            yield return ("target", name);
        }

        if (Reason is { } reason && !Enum.IsDefined(reason))
        {
            yield return ("reason", $"is {(int)reason}; it must be trouble, baseline or manual");
        }

        if (!IsNumericAddress(Destination))
        {
            yield return ("destination", "must be a numeric IPv4 or IPv6 address");
        }

        if (Cycles is < 1 or > MaxCycles)
        {
            yield return ("cycles", $"is {Cycles}; it must be 1-{MaxCycles}");
        }

        if (Hops is null)
        {
            yield return ("hops", "is missing");
            yield break;
        }

        if (Hops.Count > MaxHops)
        {
            yield return ("hops", $"holds {Hops.Count} hops; at most {MaxHops} are allowed");
            yield break;
        }

        for (var i = 0; i < Hops.Count; i++)
        {
            if (Hops[i] is not { } hop)
            {
                yield return ($"hops[{i}]", "is null");
                continue;
            }

            if (hop.Ttl != i + 1)
            {
                yield return ($"hops[{i}].ttl", $"is {hop.Ttl}; hops list TTL 1, 2, … in order, so it must be {i + 1}");
            }

            foreach (var (field, problem) in hop.Problems(Cycles))
            {
                yield return ($"hops[{i}].{field}", problem);
            }
        }

        if (ReachedDestination && (Hops.Count == 0 || Hops[^1].Address != Destination))
        {
            yield return ("reachedDestination", "is true but the last hop is not the destination");
        }
    }

    /// <summary>True for an address written the way <see cref="IPAddress.ToString"/> writes it (no names, no ports, no scope).</summary>
    internal static bool IsNumericAddress(string? text) =>
        text is { Length: > 0 and <= 45 } && !text.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address)
            && address.ToString() == text;
}

/// <summary>
/// What answered at one TTL: <see cref="Address"/> is the one that answered most (null when nothing answered),
/// <see cref="OtherAddresses"/> the rest. Times in milliseconds, null when nothing answered.
/// </summary>
public sealed record PathHop
{
    public required int Ttl { get; init; }

    public string? Address { get; init; }

    /// <summary>Other addresses that answered at this TTL (a load-balanced path); null when there were none.</summary>
    public IReadOnlyList<string>? OtherAddresses { get; init; }

    public required int Sent { get; init; }

    public required int Received { get; init; }

    /// <summary>100 × (sent − received) / sent, rounded to one decimal.</summary>
    public required double LossPercent { get; init; }

    public double? LastMs { get; init; }

    public double? BestMs { get; init; }

    public double? AverageMs { get; init; }

    public double? WorstMs { get; init; }

    /// <summary>Standard deviation of the round trips (mtr's StDev), the jitter at this hop.</summary>
    public double? StdDevMs { get; init; }

    /// <summary>Loss as the rules require it for these counts.</summary>
    public static double Loss(int sent, int received) => sent == 0 ? 0 : Math.Round(100.0 * (sent - received) / sent, 1);

    /// <summary>The rules of one hop; <paramref name="cycles"/> is the snapshot's.</summary>
    public IEnumerable<(string Field, string Problem)> Problems(int cycles)
    {
        if (Sent < 0 || Sent > cycles)
        {
            yield return ("sent", $"is {Sent}; it must be 0-{cycles} (the cycles)");
        }

        if (Received < 0 || Received > Sent)
        {
            yield return ("received", $"is {Received}; it must be 0-{Sent} (the sent)");
        }
        else if (Math.Abs(LossPercent - Loss(Sent, Received)) > 0.05)
        {
            yield return ("lossPercent", $"is {LossPercent}; {Received} of {Sent} received makes it {Loss(Sent, Received)}");
        }

        if (Address is not null && !PathSnapshot.IsNumericAddress(Address))
        {
            yield return ("address", "must be a numeric IPv4 or IPv6 address");
        }

        if ((Address is null) != (Received == 0))
        {
            yield return ("address", Address is null ? "is missing although replies were received" : "is set although nothing was received");
        }

        if (OtherAddresses is { } others)
        {
            if (Address is null || others.Count is 0 or > PathSnapshot.MaxOtherAddresses)
            {
                yield return ("otherAddresses", $"must hold 1-{PathSnapshot.MaxOtherAddresses} addresses besides 'address', or be left out");
            }
            else if (others.Any(other => !PathSnapshot.IsNumericAddress(other)))
            {
                yield return ("otherAddresses", "must hold numeric IPv4 or IPv6 addresses only");
            }
        }

        double?[] times = [LastMs, BestMs, AverageMs, WorstMs, StdDevMs];
        if (Received == 0 ? times.Any(t => t is not null) : times.Any(t => t is not (>= 0 and <= 60_000)))
        {
            yield return ("times", Received == 0 ? "must be left out when nothing was received" : "must all be 0-60000 ms when replies were received");
        }
        else if (Received > 0 && !(BestMs <= AverageMs + 0.001 && AverageMs <= WorstMs + 0.001))
        {
            yield return ("times", $"best {BestMs}, average {AverageMs} and worst {WorstMs} are out of order");
        }
    }
}

/// <summary>Why a <see cref="PathSnapshot"/> was taken. Travels as a camelCase string.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PathSnapshotReason>))]
public enum PathSnapshotReason
{
    /// <summary>Trouble began on the target (a failure or a threshold crossed).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("trouble")]
    Trouble,

    /// <summary>The low-rate baseline taken for flagged targets (uplinks by default).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("baseline")]
    Baseline,

    /// <summary>Asked for by a person (the CLI or the API).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("manual")]
    Manual,
}
