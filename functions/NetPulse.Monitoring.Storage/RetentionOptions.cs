using System.Globalization;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// How long each kind of monitoring data is kept ("NetPulse:Retention"), and how much one run of the retention job
/// may delete. Incidents, reports, probes and the targets' catalogue are kept; only rounds and rollups expire.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "NetPulse:Retention";

    /// <summary>Whole UTC days of rounds (batches and hour slots) kept before today's: charts of older times use rollups.</summary>
    public int RawDays { get; set; } = 35;

    /// <summary>Whole UTC days of minute rollups kept before today's: older hours keep their hour statistics only.</summary>
    public int MinuteRollupDays { get; set; } = 400;

    /// <summary>Years of hour rollups, counted back from the start of today's UTC month, in whole months (their partitions).</summary>
    public int HourRollupYears { get; set; } = 5;

    /// <summary>
    /// Entities one run deletes or rewrites at most (checked before each transaction of up to 100 and each day of
    /// minute rollups), so a first run on years of data spreads over several runs.
    /// </summary>
    public int MaxChangesPerRun { get; set; } = 50_000;

    /// <summary>How long one run may go on before it stops at the next transaction; the next run continues.</summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The fewest raw days: the daily report catches up at most 31 days back (<c>NetPulse:Reports:CatchUpDays</c>) and
    /// its local day may begin the UTC day before.
    /// </summary>
    internal const int MinRawDays = 33;
}

/// <summary>
/// Checks the retention at start: raw ≤ minute ≤ hour, and enough raw days for the daily report's catch-up and for
/// compaction, which rebuilds an hour from its batches when a late batch (up to <c>NetPulse:Storage:BacklogLimit</c>
/// old) marks it.
/// </summary>
internal sealed class RetentionOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<RetentionOptions>
{
    private const string Prefix = RetentionOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var minRaw = RetentionOptions.MinRawDays;
        try
        {
            minRaw = Math.Max(minRaw, (int)Math.Ceiling(storage.Value.BacklogLimit.TotalDays) + 1);
        }
        catch (OptionsValidationException)
        {
            // Bad storage options fail the start with their own message; this check waits for them to be right.
        }

        if (options.RawDays < minRaw || options.RawDays > 3650)
        {
            failures.Add(Invariant($"{Prefix}RawDays is {options.RawDays}; it must be between {minRaw} (the daily report's catch-up, and {StorageOptions.Section}:BacklogLimit plus a day for compaction) and 3650"));
        }

        if (options.MinuteRollupDays < options.RawDays || options.MinuteRollupDays > 36500)
        {
            failures.Add(Invariant($"{Prefix}MinuteRollupDays is {options.MinuteRollupDays}; it must be at least RawDays ({options.RawDays}) and at most 36500"));
        }

        if (options.HourRollupYears is < 1 or > 100 || options.HourRollupYears * 365 < options.MinuteRollupDays)
        {
            failures.Add(Invariant($"{Prefix}HourRollupYears is {options.HourRollupYears}; it must be between 1 and 100 and cover MinuteRollupDays ({options.MinuteRollupDays} days)"));
        }

        if (options.MaxChangesPerRun is < 100 or > 10_000_000)
        {
            failures.Add(Invariant($"{Prefix}MaxChangesPerRun is {options.MaxChangesPerRun}; it must be between 100 (one transaction) and 10000000"));
        }

        if (options.MaxRunTime < TimeSpan.FromSeconds(5) || options.MaxRunTime > TimeSpan.FromMinutes(9))
        {
            failures.Add(Invariant($"{Prefix}MaxRunTime is {options.MaxRunTime}; it must be between 00:00:05 and 00:09:00 (inside a Functions timeout of 10 minutes)"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Where each kind of data begins at a moment: rounds from <see cref="RawFrom"/>, minute rollups from
/// <see cref="MinuteFrom"/>, hour rollups from <see cref="HourFrom"/>. Edges are UTC day (raw, minute) or UTC month
/// (hour) starts, the keys' partitions, so no local time or daylight-saving change moves them, and a reader asking for
/// an earlier time takes the next coarser data from the edge back, whether or not the job has deleted yet.
/// </summary>
public readonly record struct RetentionEdges(DateTimeOffset RawFrom, DateTimeOffset MinuteFrom, DateTimeOffset HourFrom)
{
    public static RetentionEdges At(DateTimeOffset now, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var today = TableKeys.DayOf(now.ToUniversalTime());
        var hourMonth = today.AddYears(-options.HourRollupYears);
        return new RetentionEdges(
            today.AddDays(-options.RawDays),
            today.AddDays(-options.MinuteRollupDays),
            new DateTimeOffset(hourMonth.Year, hourMonth.Month, 1, 0, 0, 0, TimeSpan.Zero));
    }
}

/// <summary>The retention in force now: readers ask it where the rounds and rollups begin.</summary>
public sealed class RetentionPolicy(IOptions<RetentionOptions> options, TimeProvider time)
{
    public RetentionOptions Options => options.Value;

    public RetentionEdges Now() => RetentionEdges.At(time.GetUtcNow(), options.Value);
}
