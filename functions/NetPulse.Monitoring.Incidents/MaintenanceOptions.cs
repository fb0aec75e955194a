namespace NetPulse.Monitoring.Incidents;

/// <summary>Maintenance windows ("NetPulse:Maintenance").</summary>
public sealed class MaintenanceOptions
{
    public const string Section = "NetPulse:Maintenance";

    /// <summary>
    /// How long an instance keeps the list of windows before reading it again, so ingestion pays no Table read per
    /// batch. It is how long a new or deleted window takes to apply on another instance (the instance that took
    /// the API call applies it at once).
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest a one-off window, or one occurrence of a recurring one, may last.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The most windows the table may hold, ended ones included (nothing deletes them by itself): every instance reads
    /// them all each <see cref="CacheDuration"/>, so their number must stay bounded. A year of a few windows a day fits.
    /// </summary>
    public int MaxWindows { get; set; } = 1000;
}

internal sealed class MaintenanceOptionsValidator : IValidateOptions<MaintenanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaintenanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CacheDuration < TimeSpan.Zero || options.CacheDuration > TimeSpan.FromMinutes(15))
        {
            failures.Add($"{MaintenanceOptions.Section}:CacheDuration is {options.CacheDuration}; it must be between 00:00:00 and 00:15:00 (it is how late a new window applies)");
        }

        if (options.MaxDuration < TimeSpan.FromMinutes(1) || options.MaxDuration > TimeSpan.FromDays(366))
        {
            failures.Add($"{MaintenanceOptions.Section}:MaxDuration is {options.MaxDuration}; it must be between 00:01:00 and 366.00:00:00");
        }

        if (options.MaxWindows is < 1 or > 100_000)
        {
            failures.Add($"{MaintenanceOptions.Section}:MaxWindows is {options.MaxWindows}; it must be between 1 and 100000");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
