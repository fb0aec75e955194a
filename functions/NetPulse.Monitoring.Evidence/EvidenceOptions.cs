using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Which evidence packs the timer builds and who gets them ("NetPulse:Evidence"). The job's schedule is the app setting
/// <c>EvidenceSchedule</c>, like every job of the one timer; the packs' zone is the report zone ("NetPulse:TimeZone").
/// Packs are kept: they are the evidence, small (a PDF and four CSV files per probe and period), and no retention deletes them.
/// </summary>
public sealed class EvidenceOptions
{
    public const string Section = "NetPulse:Evidence";

    /// <summary>False: the job builds nothing (stored packs stay readable, and a rebuild still works).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A pack per probe for each ISO week (Monday to Sunday), built once the week has ended.</summary>
    public bool Weekly { get; set; } = true;

    /// <summary>A pack per probe for each calendar month, built once the month has ended.</summary>
    public bool Monthly { get; set; } = true;

    /// <summary>
    /// Who gets the packs, comma-separated; empty means the report recipients ("NetPulse:Smtp:To"), the same people
    /// who get the daily report.
    /// </summary>
    public string? Recipients { get; set; }

    /// <summary>How many ended weeks back a run looks for packs not yet built (a missed run, a failure).</summary>
    public int CatchUpWeeks { get; set; } = 4;

    /// <summary>How many ended months back a run looks for packs not yet built.</summary>
    public int CatchUpMonths { get; set; } = 1;

    /// <summary>
    /// Packs built per run at most: each reads a probe's raw rounds of a whole week or month, so a first run over many
    /// probes spreads over several runs instead of holding the timer.
    /// </summary>
    public int MaxPacksPerRun { get; set; } = 6;
}

/// <summary>Checks "NetPulse:Evidence" at start, naming the setting and what a good value is.</summary>
internal sealed class EvidenceOptionsValidator : IValidateOptions<EvidenceOptions>
{
    private const string Prefix = EvidenceOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, EvidenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CatchUpWeeks is < 1 or > 8)
        {
            failures.Add($"{Prefix}CatchUpWeeks is {options.CatchUpWeeks}; it must be between 1 and 8 (raw rounds are kept some 5 weeks)");
        }

        if (options.CatchUpMonths is < 1 or > 2)
        {
            failures.Add($"{Prefix}CatchUpMonths is {options.CatchUpMonths}; it must be 1 or 2 (raw rounds are kept some 5 weeks)");
        }

        if (options.MaxPacksPerRun is < 1 or > 100)
        {
            failures.Add($"{Prefix}MaxPacksPerRun is {options.MaxPacksPerRun}; it must be between 1 and 100");
        }

        if (options.Enabled && !options.Weekly && !options.Monthly)
        {
            failures.Add($"{Prefix}Weekly and {Prefix}Monthly are both false while {Prefix}Enabled is true: set one of them, or Enabled to false");
        }

        try
        {
            _ = MailRecipients.Parse(options.Recipients);
        }
        catch (FormatException)
        {
            failures.Add($"{Prefix}Recipients '{options.Recipients}' is no list of email addresses: write them comma-separated, such as \"ops@example.org, Ann <ann@example.org>\"");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
