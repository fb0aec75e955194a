
namespace NetPulse.Monitoring.Reports;

/// <summary>When daily reports are built and how their email looks ("NetPulse:Reports"); the day's zone is "NetPulse:TimeZone".</summary>
public sealed class ReportOptions
{
    public const string Section = "NetPulse:Reports";

    /// <summary>The configuration key of the IANA time zone whose calendar days are reported (shared with alert emails).</summary>
    public const string TimeZoneKey = "NetPulse:TimeZone";

    /// <summary>
    /// How many finished days back the timer looks for days without a report (a missed or failed run), and
    /// for built days whose email has not gone out. Older gaps are filled only by a rebuild.
    /// </summary>
    public int CatchUpDays { get; set; } = 7;

    /// <summary>
    /// A day is reported this long after its local midnight, so batches still on their way (a probe's
    /// normal delay, not an outage's backlog) are in it.
    /// </summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Latency charts per email, for the worst-graded targets first: each is an inline PNG of some 30 KB.</summary>
    public int MaxChartsPerEmail { get; set; } = 20;

    /// <summary>An IANA time zone id such as "Europe/Berlin"; bound from <see cref="TimeZoneKey"/>.</summary>
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>Checks the report settings at start, naming the setting and how to fix it.</summary>
internal sealed class ReportOptionsValidator : IValidateOptions<ReportOptions>
{
    private const string Prefix = ReportOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CatchUpDays is < 1 or > 31)
        {
            failures.Add($"{Prefix}CatchUpDays is {options.CatchUpDays}; it must be between 1 and 31");
        }

        if (options.SettleDelay < TimeSpan.Zero || options.SettleDelay > TimeSpan.FromHours(12))
        {
            failures.Add($"{Prefix}SettleDelay is {options.SettleDelay}; it must be between 00:00:00 and 12:00:00");
        }

        if (options.MaxChartsPerEmail is < 0 or > 200)
        {
            failures.Add($"{Prefix}MaxChartsPerEmail is {options.MaxChartsPerEmail}; it must be between 0 and 200");
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            failures.Add($"{ReportOptions.TimeZoneKey} '{options.TimeZone}' is not a known time zone: use an IANA id such as \"Europe/Berlin\" or \"UTC\"");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
