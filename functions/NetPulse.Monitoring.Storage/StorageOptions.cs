using System.Text.RegularExpressions;

namespace NetPulse.Monitoring.Storage;

/// <summary>Where monitoring data lives ("NetPulse:Storage"). The account itself comes from "AzureWebJobsStorage".</summary>
public sealed partial class StorageOptions
{
    public const string Section = "NetPulse:Storage";

    /// <summary>
    /// Put before every table name ("batches", "samples", "rollups", "targets", "incidents"): lets several
    /// installations, or test classes, share one account. Letters and digits, starting with a letter.
    /// </summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>The queue that incident alerts go to (SendAlert listens on it).</summary>
    public string AlertQueueName { get; set; } = "alerts";

    /// <summary>How long ingestion trusts its in-memory copy of a probe's catalogue and incident state before reading it again.</summary>
    public TimeSpan ProbeStateCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9]{0,29})?$", RegexOptions.CultureInvariant)]
    internal static partial Regex TablePrefixPattern();

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    internal static partial Regex QueueNamePattern();
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.TablePrefix is null || !StorageOptions.TablePrefixPattern().IsMatch(options.TablePrefix))
        {
            failures.Add($"{StorageOptions.Section}:TablePrefix '{options.TablePrefix}' must be empty or 1-30 letters and digits starting with a letter (Azure table names allow nothing else)");
        }

        if (options.AlertQueueName is null || !StorageOptions.QueueNamePattern().IsMatch(options.AlertQueueName))
        {
            failures.Add($"{StorageOptions.Section}:AlertQueueName '{options.AlertQueueName}' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
        }

        if (options.ProbeStateCacheDuration < TimeSpan.Zero || options.ProbeStateCacheDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"{StorageOptions.Section}:ProbeStateCacheDuration is {options.ProbeStateCacheDuration}; it must be between 00:00:00 and 01:00:00");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
