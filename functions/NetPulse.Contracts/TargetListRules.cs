using System.Net;

namespace NetPulse.Contracts;

/// <summary>One thing wrong with a target list: the target's index (null for the list as a whole), the field (camelCase) and why.</summary>
public sealed record TargetProblem(int? Index, string Field, string Problem);

/// <summary>
/// The rules a probe's target list obeys, wherever it comes from: the probe's targets file, the API that manages
/// targets centrally, a bulk import, the list a probe fetches. Written once here so they cannot drift apart.
/// </summary>
public static class TargetListRules
{
    /// <summary>The most targets one probe runs.</summary>
    public const int MaxTargets = 10_000;

    public const int MinTimeoutMs = 1;
    public const int MaxTimeoutMs = 60_000;

    /// <summary>Everything wrong with <paramref name="targets"/>; empty when the list is valid.</summary>
    public static IEnumerable<TargetProblem> Problems(IReadOnlyList<ManagedTarget> targets, int maxTargets = MaxTargets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count > maxTargets)
        {
            yield return new(null, "targets", $"{targets.Count} targets are more than the {maxTargets} one probe may have");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int? uplink = null;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (target is null)
            {
                yield return new(i, "target", "is null");
                continue;
            }

            foreach (var problem in TargetProblems(target))
            {
                yield return problem with { Index = i };
            }

            if (TargetSettings.DescribeInvalidName(target.Name) is null)
            {
                if (seen.TryGetValue(target.Name, out var first))
                {
                    yield return new(i, "name", $"'{target.Name}' is taken by target {first}; names must be unique, ignoring case");
                }
                else
                {
                    seen.Add(target.Name, i);
                }
            }

            if (target.Uplink && target.Enabled)
            {
                if (uplink is { } other)
                {
                    yield return new(i, "uplink", $"target {other} ('{targets[other].Name}') is the uplink already; a probe has one uplink");
                }
                else
                {
                    uplink = i;
                }
            }
        }
    }

    /// <summary>What is wrong with one target on its own (index null); the list rules (unique names, one uplink) come from <see cref="Problems"/>.</summary>
    public static IEnumerable<TargetProblem> TargetProblems(ManagedTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var hostReported = false;
        if (DescribeInvalidHost(target.Host) is { } host)
        {
            hostReported = true;
            yield return new(null, "host", host);
        }

        foreach (var (field, problem) in target.Problems())
        {
            if (field == "host" && hostReported)
            {
                continue;
            }

            yield return new(null, field, problem);
        }

        if (target.TimeoutMs is < MinTimeoutMs or > MaxTimeoutMs)
        {
            yield return new(null, "timeoutMs", $"is {target.TimeoutMs}; it must be {MinTimeoutMs}-{MaxTimeoutMs}");
        }
        else if (target.TimeoutMs > target.IntervalMs && target.IntervalMs >= TargetSettings.MinIntervalMs)
        {
            yield return new(null, "timeoutMs", $"is {target.TimeoutMs}, longer than the interval ({target.IntervalMs} ms): a round must end before the next begins");
        }
    }

    /// <summary>
    /// Null when <paramref name="host"/> is something a probe can ping (an IPv4 or IPv6 address, or a DNS name),
    /// else what is wrong. Stricter than a batch's rule, which only bounds the text.
    /// </summary>
    public static string? DescribeInvalidHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || host.Length > TargetSettings.MaxHostLength)
        {
            return $"must be 1-{TargetSettings.MaxHostLength} characters";
        }

        if (TargetSettings.DescribeHiddenCharacter(host) is { } hidden)
        {
            return hidden;
        }

        if (IPAddress.TryParse(host, out _))
        {
            // TryParse accepts "1" or "1.2" as IPv4 shorthand; accept only what a person means.
            return host.Contains(':', StringComparison.Ordinal) || host.Count(c => c == '.') == 3
                ? null
                : $"'{host}' is not an IPv4 or IPv6 address or a DNS name";
        }

        return Uri.CheckHostName(host) == UriHostNameType.Dns && !host.All(c => char.IsDigit(c) || c == '.')
            ? null
            : $"'{Shorten(host)}' is not an IPv4 or IPv6 address or a DNS name";
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
