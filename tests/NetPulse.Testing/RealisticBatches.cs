using NetPulse.Contracts;

namespace NetPulse.Testing;

/// <summary>
/// Batches shaped like a real fleet's, for wire-size tests and the wire benchmark: names and hosts of 20–30
/// characters that differ the way a site's devices do, each target on its own phase within the second, RTTs of
/// 0.3–60 ms with a few percent of jitter, a sample off its slot now and then, and some failures (scattered
/// timeouts, a run of unreachables). Deterministic for a seed, so sizes printed twice agree.
/// </summary>
public static class RealisticBatches
{
    public static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Sites = ["zurich", "geneva", "lisbon", "oporto", "madrid", "lyon", "bremen", "turin", "krakow", "gdansk", "malmo", "bergen"];
    private static readonly string[] Suffixes = ["b2", "rack4", "floor3", "east", "lab", "dmz", "old", "spare"];
    private static readonly string[] Kinds = ["core-rtr", "edge-fw", "access-sw", "wifi-ap", "printer", "nas", "camera", "voip-gw", "ups", "hypervisor"];

    /// <summary><paramref name="targets"/> targets with <paramref name="seconds"/> samples each at 1 Hz, in <paramref name="version"/>.</summary>
    public static PingBatch Fleet(int targets, int seconds, int version = PingBatch.CurrentVersion, int seed = 15)
    {
        var random = new Random(seed);
        var list = new TargetSamples[targets];
        for (var t = 0; t < targets; t++)
        {
            var site = Sites[random.Next(Sites.Length)];
            var kind = Kinds[random.Next(Kinds.Length)];
            var settings = new TargetSettings
            {
                Name = Fit($"{site}-{kind}-{t:000}", random),
                Host = Fit(random.Next(4) == 0 ? $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}:{site}" : $"{kind}{t:000}.{site}.corp.example.net", random),
                IntervalMs = 1000,
                Category = t % 10 == 0 ? "uplinks" : null,
                Uplink = t == 0,
            };
            list[t] = new TargetSamples(settings, Samples(random, seconds));
        }

        return new PingBatch { Version = version, ProbeId = "branch-office-07", Sequence = 123_456, WindowStart = Start, Targets = list };
    }

    private static WireSample[] Samples(Random random, int seconds)
    {
        var phase = random.Next(1000);
        var baseRtt = random.Next(4) == 0 ? random.Next(300, 2_000) : random.Next(2_000, 60_000);
        var jitter = Math.Max(150, baseRtt / 20);
        var outageAt = random.Next(50) == 0 ? random.Next(seconds) : -1;
        var samples = new List<WireSample>(seconds);
        var drift = 0;
        for (var s = 0; s < seconds; s++)
        {
            // One round in a hundred starts a few ms late and the schedule moves with it (off its slot); one in a
            // hundred and fifty is missing (a skipped round).
            drift += s > 0 && random.Next(100) == 0 ? random.Next(1, 50) : 0;
            if (s > 0 && random.Next(150) == 0)
            {
                continue;
            }

            var offset = phase + (s * 1000) + drift;
            samples.Add(
                outageAt >= 0 && s >= outageAt && s < outageAt + 5 ? WireSample.Failure(offset, PingStatus.Unreachable)
                : random.Next(100) < 2 ? WireSample.Failure(offset, PingStatus.Timeout)
                : WireSample.Success(offset, Math.Max(50, baseRtt + random.Next(-jitter, jitter + 1))));
        }

        return [.. samples];
    }

    /// <summary>Pads or cuts <paramref name="text"/> to 20–30 characters.</summary>
    private static string Fit(string text, Random random)
    {
        var length = random.Next(20, 31);
        while (text.Length < length)
        {
            text += "-" + Suffixes[random.Next(Suffixes.Length)];
        }

        return text[..length].TrimEnd('.', '-', ':');
    }
}
