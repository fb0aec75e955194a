namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>Summaries of measured round-trip times.</summary>
internal static class RoundTrips
{
    public static double MedianMilliseconds(IEnumerable<TimeSpan> rtts)
    {
        var sorted = rtts.Select(rtt => rtt.TotalMilliseconds).Order().ToList();
        if (sorted.Count == 0)
        {
            throw new InvalidOperationException("no round trips to summarise: every round was lost");
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double MedianMilliseconds(IEnumerable<TimeSpan?> rounds) =>
        MedianMilliseconds(rounds.Where(rtt => rtt.HasValue).Select(rtt => rtt!.Value));
}
