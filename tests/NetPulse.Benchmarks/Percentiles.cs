namespace NetPulse.Benchmarks;

/// <summary>Nearest-rank percentiles: every figure printed is a value that was really measured.</summary>
internal static class Percentiles
{
    /// <param name="sorted">Values in ascending order.</param>
    /// <param name="percent">0 &lt; percent ≤ 100.</param>
    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
