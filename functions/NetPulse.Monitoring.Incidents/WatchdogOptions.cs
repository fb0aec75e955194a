using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>When a probe counts as silent ("NetPulse:Watchdog"); the schedule is the timer's.</summary>
public sealed class WatchdogOptions
{
    public const string Section = "NetPulse:Watchdog";

    /// <summary>A probe whose newest batch ends longer ago than this is silent.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Days of batches searched every run for a probe's newest one. A probe with none in them that is about to be
    /// called silent is searched further back, to <c>NetPulse:Storage:BacklogLimit</c>, for its last round.
    /// </summary>
    public int LookbackDays { get; set; } = 7;
}

internal sealed class WatchdogOptionsValidator : IValidateOptions<WatchdogOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchdogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SilentAfter < TimeSpan.FromSeconds(30) || options.SilentAfter > TimeSpan.FromDays(1))
        {
            failures.Add($"{WatchdogOptions.Section}:SilentAfter is {options.SilentAfter}; it must be between 00:00:30 and 1.00:00:00");
        }

        if (options.LookbackDays is < 1 or > 366)
        {
            failures.Add($"{WatchdogOptions.Section}:LookbackDays is {options.LookbackDays}; it must be between 1 and 366");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
