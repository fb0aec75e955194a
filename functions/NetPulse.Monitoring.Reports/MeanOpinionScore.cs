namespace NetPulse.Monitoring.Reports;

/// <summary>
/// A voice-quality estimate from ping figures: the common simplification of the ITU-T G.107 E-model. Effective
/// latency = average RTT + 2 × jitter + 10 ms (codec); R = 93.2 − effective/40 below 160 ms, else
/// 93.2 − (effective − 120)/10; R −= 2.5 × loss %; MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R) for 0 &lt; R &lt; 100,
/// 1 at or below 0 and 4.5 at or above 100 (as G.107 maps R), then held to 1–4.5.
/// </summary>
/// <remarks>
/// It uses the round-trip time where G.107 speaks of one-way delay, so it errs on the pessimistic side; it rates a
/// line for calls, it does not measure one. Jitter is <see cref="Storage.SampleStatistics.JitterMs"/>.
/// </remarks>
public static class MeanOpinionScore
{
    public const double Min = 1.0;

    public const double Max = 4.5;

    /// <summary>The estimate; null without replies (no latency to rate). Jitter null (one reply) counts as 0.</summary>
    public static double? Estimate(double? averageRttMs, double? jitterMs, double lossPercent)
    {
        if (averageRttMs is not { } average)
        {
            return null;
        }

        var effective = average + (2 * (jitterMs ?? 0)) + 10;
        var r = effective < 160 ? 93.2 - (effective / 40) : 93.2 - ((effective - 120) / 10);
        r -= 2.5 * lossPercent;
        if (r <= 0)
        {
            return Min;
        }

        if (r >= 100)
        {
            return Max;
        }

        var mos = 1 + (0.035 * r) + (7e-6 * r * (r - 60) * (100 - r));
        return Math.Clamp(mos, Min, Max);
    }
}
