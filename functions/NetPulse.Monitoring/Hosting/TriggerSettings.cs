namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// The app settings that trigger attributes name as <c>%Setting%</c>, shared by the Functions app and the
/// dev host. The Functions host resolves them from app settings before the worker starts, so they must be
/// present there (local.settings.json, the Bicep); the dev host falls back to <see cref="Defaults"/>.
/// </summary>
public static class TriggerSettings
{
    /// <summary>The probe's batches arrive here.</summary>
    public const string PingBatchQueue = nameof(PingBatchQueue);

    /// <summary>NCRONTAB (six fields, seconds first) of the compaction of finished hours.</summary>
    public const string CompactionSchedule = nameof(CompactionSchedule);

    /// <summary>NCRONTAB of the probe-silent watchdog.</summary>
    public const string WatchdogSchedule = nameof(WatchdogSchedule);

    /// <summary>NCRONTAB of DeliverAlerts: retries of outbox notices, reminders and escalations.</summary>
    public const string AlertDeliverySchedule = nameof(AlertDeliverySchedule);

    /// <summary>NCRONTAB of the daily report run: hourly, since a report day ends at local midnight and timers run on UTC.</summary>
    public const string ReportSchedule = nameof(ReportSchedule);

    /// <summary>The storage account the triggers poll (a connection string, or identity-based settings under this prefix).</summary>
    public const string Storage = "AzureWebJobsStorage";

    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        [PingBatchQueue] = "ping-batches",
        // Minute 5 of every hour: the hour before is complete, with a few minutes' grace for late batches.
        [CompactionSchedule] = "0 */5 * * * *",
        // Every 2 minutes: a silent probe is noticed within the silence limit plus 2 minutes, and each run
        // costs a few storage requests (the timer's singleton lease), so not more often.
        [WatchdogSchedule] = "0 * * * * *",
        // Every minute: a retry waits at most 3 minutes, so a notice goes out within 5 minutes of its channel
        // coming back; a run with nothing due costs one outbox query and one alert-state query.
        [AlertDeliverySchedule] = "0 * * * * *",
        // Minute 15 of every hour: each run reports the days that ended (plus the settle delay) and are not yet reported.
        [ReportSchedule] = "0 15 * * * *",
    };

    /// <summary>The setting's value, or its default.</summary>
    public static string Resolve(Microsoft.Extensions.Configuration.IConfiguration configuration, string setting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[setting] is { Length: > 0 } value ? value : Defaults[setting];
    }
}
