
namespace NetPulse.Monitoring.Alerts;

/// <summary>Checks the alert settings at start, naming the setting and how to fix it.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    private const string Prefix = AlertOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var failures = new List<string>();

        if (options.Cooldown < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}Cooldown must not be negative (00:00:00 turns it off), not {options.Cooldown}");
        }

        if (options.ReminderInterval < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}ReminderInterval must be at least 00:01:00, not {options.ReminderInterval}");
        }

        if (!IsTableName(options.StateTable))
        {
            failures.Add($"{Prefix}StateTable '{options.StateTable}' is not a table name: 3-63 letters and digits, starting with a letter");
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            failures.Add($"{AlertOptions.TimeZoneKey} '{options.TimeZone}' is not a known time zone: use an IANA id such as \"Europe/Berlin\" or \"UTC\"");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
