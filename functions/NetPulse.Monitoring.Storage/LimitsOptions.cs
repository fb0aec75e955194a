using System.Globalization;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// What one probe may ask of the backend, and how much each instance keeps in memory ("NetPulse:Limits"). The caps
/// refuse a batch (it ends in the poison queue, naming the limit) rather than let a broken or hostile probe fill the
/// tables or an instance's memory; the defaults sit far above what a real probe sends.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "NetPulse:Limits";

    /// <summary>Targets in one batch. The design's largest site watches "a few hundred hosts".</summary>
    public int MaxTargetsPerProbe { get; set; } = 500;

    /// <summary>Distinct target names in a probe's batches whose windows start on one UTC day: room for renaming every target once.</summary>
    public int MaxTargetNamesPerDay { get; set; } = 1000;

    /// <summary>
    /// How far a batch's sequence may run ahead of the probe's highest stored one. A probe numbers its batches one by
    /// one, at most one per window (10 s) plus early closes: weeks offline with a full spool are some 10^5 batches.
    /// The one bigger jump a real probe makes is a restart of its numbering at the clock's Unix time in milliseconds
    /// (a garbled state file); a sequence at most a day before its window start in Unix milliseconds, and not after
    /// it, is let through as such.
    /// </summary>
    public long MaxSequenceJump { get; set; } = 1_000_000;

    /// <summary>Probes whose state (catalogue and incidents) an instance keeps in memory; the least recently used go first.</summary>
    public int MaxCachedProbes { get; set; } = 1000;

    /// <summary>Targets whose dashboard figures an instance keeps in memory for their 30 s.</summary>
    public int MaxCachedTargetFigures { get; set; } = 20_000;

    internal const int MaxCachedEntries = 1_000_000;

    /// <summary>A day's names are kept as 8-byte hashes in one binary property, which holds 64 KiB.</summary>
    internal const int MaxTargetNamesPerDayCeiling = 8_000;
}

internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(LimitsOptions.MaxTargetsPerProbe), options.MaxTargetsPerProbe, 1, 100_000);
        Check(failures, nameof(LimitsOptions.MaxTargetNamesPerDay), options.MaxTargetNamesPerDay, Math.Max(1, options.MaxTargetsPerProbe), LimitsOptions.MaxTargetNamesPerDayCeiling);
        Check(failures, nameof(LimitsOptions.MaxSequenceJump), options.MaxSequenceJump, 1_000, long.MaxValue / 2);
        Check(failures, nameof(LimitsOptions.MaxCachedProbes), options.MaxCachedProbes, 1, LimitsOptions.MaxCachedEntries);
        Check(failures, nameof(LimitsOptions.MaxCachedTargetFigures), options.MaxCachedTargetFigures, 1, LimitsOptions.MaxCachedEntries);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{LimitsOptions.Section}:{key} is {value}; it must be between {min} and {max}"));
        }
    }
}
