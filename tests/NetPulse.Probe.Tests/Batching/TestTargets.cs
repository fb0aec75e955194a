using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Batching;

public static class TestTargets
{
    public static IReadOnlyList<ProbeTarget> Plain(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ProbeTarget
        {
            Index = i,
            Settings = new TargetSettings
            {
                Name = $"target-{i}",
                Host = $"10.200.{i / 250}.{(i % 250) + 1}",
                Category = i == 0 ? "uplink" : "servers",
                Description = i == 0 ? "ISP gateway" : null,
                Uplink = i == 0,
                IntervalMs = 1000,
                LatencyThresholdMs = i == 0 ? 50 : null,
                LossThresholdPercent = i == 0 ? 2.5 : null,
            },
            Timeout = TimeSpan.FromMilliseconds(500),
        })];

    /// <summary>
    /// Targets whose text is as long as the contract allows and as costly to encode as it gets: quotes,
    /// angle brackets and non-ASCII letters all become six-byte JSON escapes.
    /// </summary>
    public static IReadOnlyList<ProbeTarget> Hostile(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ProbeTarget
        {
            Index = i,
            Settings = new TargetSettings
            {
                Name = Fill($"{i:D4}\"<é>&'", 64),
                Host = Fill($"h{i:D4}.\"<script>", 253),
                Category = Fill("<ü>\"", 64),
                Description = Fill("</td><script>alert(\"x\")</script>€", 256),
                IntervalMs = 1000,
                LatencyThresholdMs = 60_000,
                LossThresholdPercent = 100,
            },
            Timeout = TimeSpan.FromMilliseconds(900),
        })];

    private static string Fill(string seed, int length)
    {
        var text = string.Concat(Enumerable.Repeat(seed, (length / seed.Length) + 1))[..length];
        return text.Trim().Length == text.Length ? text : text[..^1] + "x";
    }
}
