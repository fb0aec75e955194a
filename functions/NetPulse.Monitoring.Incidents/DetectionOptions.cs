using NetPulse.Contracts;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// When a target's rounds open and resolve incidents ("NetPulse:Detection"). Rounds are counted per target,
/// spans are sample time. Per-target thresholds from the probe's config override the defaults here.
/// </summary>
public sealed class DetectionOptions
{
    public const string Section = "NetPulse:Detection";

    /// <summary>Consecutive failed rounds that open a down incident, at least (see <see cref="DownMinDuration"/>).</summary>
    public int DownAfterFailedRounds { get; set; } = 3;

    /// <summary>
    /// The failed run must also last this long (its rounds x the target's interval): at a 1 s interval 5 rounds, at
    /// 2 s and longer <see cref="DownAfterFailedRounds"/> decides. Zero leaves the count alone.
    /// </summary>
    public TimeSpan DownMinDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On a lossy line the run must be long enough that random loss forms one by chance less often than this per
    /// round: the least n with p^n below it, p being the loss of the rounds before the run (its 95 % upper bound).
    /// 1 turns this off (the clean-line length always decides).
    /// </summary>
    public double DownRandomRunOdds { get; set; } = 1e-5;

    /// <summary>The longest a failed run must last to open a down incident, however lossy the line: a cut on a lossy line is called within this.</summary>
    public TimeSpan DownMaxDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive good rounds that resolve a down incident.</summary>
    public int UpAfterGoodRounds { get; set; } = 2;

    /// <summary>Median RTT above which a target is slow, unless the target sets its own.</summary>
    public double LatencyThresholdMs { get; set; } = 150;

    /// <summary>The rolling median covers the replies among this many latest rounds.</summary>
    public int LatencyWindowRounds { get; set; } = 30;

    /// <summary>The median needs at least this many replies in its window to count.</summary>
    public int LatencyMinReplies { get; set; } = 5;

    /// <summary>How long the median must stay above the threshold before a latency incident opens.</summary>
    public TimeSpan LatencyOpenAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A latency incident resolves once the median is at or below threshold x this ratio...</summary>
    public double LatencyResolveRatio { get; set; } = 0.9;

    /// <summary>...for this long.</summary>
    public TimeSpan LatencyResolveAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Loss in percent above which a loss incident opens, unless the target sets its own.</summary>
    public double LossThresholdPercent { get; set; } = 5;

    /// <summary>Loss is measured over this many latest rounds.</summary>
    public int LossWindowRounds { get; set; } = 60;

    /// <summary>Loss needs at least this many counted rounds in its window to count.</summary>
    public int LossMinRounds { get; set; } = 20;

    /// <summary>A loss incident resolves once loss has been at or below the threshold for this long.</summary>
    public TimeSpan LossResolveAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A target's down incident starting this close to (or during) the uplink's is grouped under it.</summary>
    public TimeSpan UplinkGroupingTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An incident that ended longer ago than this when ingestion finds it (a late backlog) goes into one
    /// summary alert; an open incident whose newest round is older than this is not announced as opened yet.
    /// </summary>
    public TimeSpan AlertFreshness { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Finished incidents found in a backlog wait for one summary until a batch arrives fresh again; when none
    /// does, the watchdog sends the summary once the first of them has waited this long.
    /// </summary>
    public TimeSpan SummaryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The peak of an incident longer than this is taken over its last stretch of this length.</summary>
    public TimeSpan PeakScanLimit { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far past a late batch detection re-evaluates later rounds.</summary>
    public TimeSpan MaxForwardEvaluation { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Rounds a target's history must reach back for every rule to decide as it would have.</summary>
    internal int HistoryRounds => Math.Max(
        Math.Max(DownAfterFailedRounds, UpAfterGoodRounds),
        Math.Max(LatencyWindowRounds, LossWindowRounds + MostDownRounds(TargetSettings.MinIntervalMs))) + 1;

    /// <summary>The failed run that opens a down incident on a clean line: a count, and a duration in rounds of this interval.</summary>
    internal int CleanDownRounds(int intervalMs) =>
        Math.Max(DownAfterFailedRounds, (int)Math.Ceiling(DownMinDuration.TotalMilliseconds / intervalMs));

    /// <summary>The failed run that opens a down incident however lossy the line (never shorter than the clean one).</summary>
    internal int MostDownRounds(int intervalMs) =>
        Math.Max(CleanDownRounds(intervalMs), (int)Math.Ceiling(DownMaxDuration.TotalMilliseconds / intervalMs));

    /// <summary>Sample time before a round that detection reads so the round decides as it would have in order.</summary>
    internal TimeSpan Prelude(int intervalMs) =>
        TimeSpan.FromMilliseconds((long)intervalMs * (HistoryRounds + 1))
        + new[] { LatencyOpenAfter, LatencyResolveAfter, LossResolveAfter }.Max();
}

internal sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Between(string field, double value, double min, double max, string unit = "")
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                failures.Add($"{DetectionOptions.Section}:{field} is {value}{unit}; it must be between {min}{unit} and {max}{unit}");
            }
        }

        void Span(string field, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{DetectionOptions.Section}:{field} is {value}; it must be between {min} and {max} (format hh:mm:ss)");
            }
        }

        Between(nameof(options.DownAfterFailedRounds), options.DownAfterFailedRounds, 1, 1000);
        Span(nameof(options.DownMinDuration), options.DownMinDuration, TimeSpan.Zero, TimeSpan.FromHours(1));
        Between(nameof(options.DownRandomRunOdds), options.DownRandomRunOdds, 1e-12, 1);
        Span(nameof(options.DownMaxDuration), options.DownMaxDuration, options.DownMinDuration, TimeSpan.FromHours(1));
        Between(nameof(options.UpAfterGoodRounds), options.UpAfterGoodRounds, 1, 1000);
        Between(nameof(options.LatencyThresholdMs), options.LatencyThresholdMs, 0.001, 60_000, " ms");
        Between(nameof(options.LatencyWindowRounds), options.LatencyWindowRounds, 1, 1000);
        Between(nameof(options.LatencyMinReplies), options.LatencyMinReplies, 1, options.LatencyWindowRounds);
        Span(nameof(options.LatencyOpenAfter), options.LatencyOpenAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
        Between(nameof(options.LatencyResolveRatio), options.LatencyResolveRatio, 0.01, 1);
        Span(nameof(options.LatencyResolveAfter), options.LatencyResolveAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
        Between(nameof(options.LossThresholdPercent), options.LossThresholdPercent, 0.001, 100, " %");
        Between(nameof(options.LossWindowRounds), options.LossWindowRounds, 2, 1000);
        Between(nameof(options.LossMinRounds), options.LossMinRounds, 1, options.LossWindowRounds);
        Span(nameof(options.LossResolveAfter), options.LossResolveAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
        Span(nameof(options.UplinkGroupingTolerance), options.UplinkGroupingTolerance, TimeSpan.Zero, TimeSpan.FromHours(1));
        Span(nameof(options.AlertFreshness), options.AlertFreshness, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        Span(nameof(options.SummaryDelay), options.SummaryDelay, TimeSpan.Zero, TimeSpan.FromHours(6));
        Span(nameof(options.PeakScanLimit), options.PeakScanLimit, TimeSpan.FromMinutes(10), TimeSpan.FromDays(31));
        Span(nameof(options.MaxForwardEvaluation), options.MaxForwardEvaluation, TimeSpan.FromMinutes(10), TimeSpan.FromDays(31));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
