using System.Globalization;
using System.Text.RegularExpressions;

namespace NetPulse.Monitoring.Storage;

/// <summary>Where monitoring data lives ("NetPulse:Storage"). The account itself comes from "AzureWebJobsStorage".</summary>
public sealed partial class StorageOptions
{
    public const string Section = "NetPulse:Storage";

    /// <summary>
    /// Put before every table name ("batches", "samples", "rollups", "targets", "incidents", "probes"): lets several
    /// installations, or test classes, share one account. Letters and digits, starting with a letter.
    /// </summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>The queue that versions before the alert outbox put alerts on; DeliverAlerts moves what is left there into the outbox.</summary>
    public string AlertQueueName { get; set; } = "alerts";

    /// <summary>
    /// The queue the probes' batches arrive on (IngestBatch listens on it): ingestion moves a batch it refuses to this
    /// queue's poison queue, and the admin API redrives that one.
    /// </summary>
    public string PingBatchQueueName { get; set; } = "ping-batches";

    /// <summary>
    /// The queue a probe puts its calm batches on, timed to arrive just before a minute: nothing polls it; the one timer's
    /// CalmBatches job takes them at each tick (<c>CalmBatchDrain</c>), so a calm installation pays no queue listener's
    /// polls and no billed execution of its own per batch. Urgent and late batches go to <see cref="PingBatchQueueName"/>.
    /// </summary>
    public string CalmBatchQueueName { get; set; } = "ping-batches-calm";

    /// <summary>How long ingestion trusts its in-memory copy of a probe's catalogue and incident state before reading it again.</summary>
    public TimeSpan ProbeStateCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a batch's window may be and still be stored. The probe spools through an outage and uploads the
    /// backlog when the link returns, so days-old batches are normal; a batch older than this is a probe with a
    /// wrong clock or a replay from long ago, and is refused with its reason rather than written into months that
    /// compaction and reports have finished.
    /// </summary>
    public TimeSpan BacklogLimit { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The least <see cref="BacklogLimit"/>: a day's outage must always be recoverable.</summary>
    internal static readonly TimeSpan MinBacklogLimit = TimeSpan.FromDays(1);

    /// <summary>The most <see cref="BacklogLimit"/>: the longest range the API charts (from hour rollups).</summary>
    internal static readonly TimeSpan MaxBacklogLimit = TimeSpan.FromDays(400);

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

        if (options.PingBatchQueueName is null || !StorageOptions.QueueNamePattern().IsMatch(options.PingBatchQueueName)
            || options.PingBatchQueueName.Length > 63 - PoisonQueues.Suffix.Length)
        {
            failures.Add($"{StorageOptions.Section}:PingBatchQueueName '{options.PingBatchQueueName}' must be 3-56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (its poison queue adds '{PoisonQueues.Suffix}')");
        }

        if (options.CalmBatchQueueName is null || !StorageOptions.QueueNamePattern().IsMatch(options.CalmBatchQueueName)
            || options.CalmBatchQueueName == options.PingBatchQueueName)
        {
            failures.Add($"{StorageOptions.Section}:CalmBatchQueueName '{options.CalmBatchQueueName}' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit, and not the ping-batch queue '{options.PingBatchQueueName}' (that one is polled; this one is read by the timer)");
        }

        if (options.ProbeStateCacheDuration < TimeSpan.Zero || options.ProbeStateCacheDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"{StorageOptions.Section}:ProbeStateCacheDuration is {options.ProbeStateCacheDuration}; it must be between 00:00:00 and 01:00:00");
        }

        if (options.BacklogLimit < StorageOptions.MinBacklogLimit || options.BacklogLimit > StorageOptions.MaxBacklogLimit)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{StorageOptions.Section}:BacklogLimit is {options.BacklogLimit}; it must be between {StorageOptions.MinBacklogLimit} and {StorageOptions.MaxBacklogLimit}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
