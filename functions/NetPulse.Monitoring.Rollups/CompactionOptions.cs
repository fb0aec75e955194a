
namespace NetPulse.Monitoring.Rollups;

/// <summary>How compaction folds batches into hour entities ("NetPulse:Compaction"); its schedule is the timer's.</summary>
public sealed class CompactionOptions
{
    public const string Section = "NetPulse:Compaction";

    /// <summary>
    /// Compaction folds rounds older than this; a batch whose first round is older than this when it arrives
    /// marks its hours for compacting again. Longer than a batch's normal way from ping to table.
    /// </summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many hours per probe and run, so a long backlog is worked off over several runs.</summary>
    public int MaxHoursPerRun { get; set; } = 48;

    /// <summary>Where a new probe's compaction starts, counted back from now, when it has no compaction point yet.</summary>
    public TimeSpan FirstRunLookback { get; set; } = TimeSpan.FromDays(2);
}

internal sealed class CompactionOptionsValidator : IValidateOptions<CompactionOptions>
{
    public ValidateOptionsResult Validate(string? name, CompactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SettleDelay < TimeSpan.FromSeconds(10) || options.SettleDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"{CompactionOptions.Section}:SettleDelay is {options.SettleDelay}; it must be between 00:00:10 and 01:00:00");
        }

        if (options.MaxHoursPerRun is < 1 or > 24 * 31)
        {
            failures.Add($"{CompactionOptions.Section}:MaxHoursPerRun is {options.MaxHoursPerRun}; it must be between 1 and 744");
        }

        if (options.FirstRunLookback < TimeSpan.FromHours(1) || options.FirstRunLookback > TimeSpan.FromDays(31))
        {
            failures.Add($"{CompactionOptions.Section}:FirstRunLookback is {options.FirstRunLookback}; it must be between 01:00:00 and 31.00:00:00");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
