namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// The app settings that trigger attributes name as <c>%Setting%</c>, shared by the Functions app and the
/// dev host, and the schedules of the jobs the one timer runs (<see cref="ScheduledJobs"/>). The Functions host
/// resolves the <c>%Setting%</c> ones from app settings before the worker starts, so they must be present there
/// (local.settings.json, the Bicep); the dev host and the job schedules fall back to <see cref="Defaults"/>.
/// </summary>
/// <remarks>
/// Every schedule is NCRONTAB, six fields, seconds first, UTC. A job's schedule is read at the ticks of
/// <see cref="MinuteSchedule"/>: a job runs at a tick when its schedule had an occurrence since the tick before, so
/// no job runs more often than the timer ticks.
/// </remarks>
public static class TriggerSettings
{
    /// <summary>The probe's batches arrive here.</summary>
    public const string PingBatchQueue = nameof(PingBatchQueue);

    /// <summary>NCRONTAB of the one timer (function <c>Minute</c>) that runs every scheduled job: every minute.</summary>
    public const string MinuteSchedule = nameof(MinuteSchedule);

    /// <summary>
    /// NCRONTAB of the CalmBatches job: takes the calm probes' batches off the calm-batch queue. A probe times its calm
    /// batches to arrive just before a minute, so this stays every minute at second 0.
    /// </summary>
    public const string CalmBatchSchedule = nameof(CalmBatchSchedule);

    /// <summary>NCRONTAB (six fields, seconds first) of the compaction of finished hours.</summary>
    public const string CompactionSchedule = nameof(CompactionSchedule);

    /// <summary>NCRONTAB of the probe-silent watchdog.</summary>
    public const string WatchdogSchedule = nameof(WatchdogSchedule);

    /// <summary>NCRONTAB of the poison-queue watch: the depth of each poison queue, as a metric for the alert rule.</summary>
    public const string PoisonWatchSchedule = nameof(PoisonWatchSchedule);

    /// <summary>NCRONTAB of DeliverAlerts: retries of outbox notices, reminders and escalations.</summary>
    public const string AlertDeliverySchedule = nameof(AlertDeliverySchedule);

    /// <summary>NCRONTAB of the daily report run: hourly, since a report day ends at local midnight and timers run on UTC.</summary>
    public const string ReportSchedule = nameof(ReportSchedule);

    /// <summary>NCRONTAB of the retention job: deletes expired rounds and rollups in bounded steps.</summary>
    public const string RetentionSchedule = nameof(RetentionSchedule);

    /// <summary>NCRONTAB of the evidence job: builds and mails the weekly and monthly packs of the periods that ended.</summary>
    public const string EvidenceSchedule = nameof(EvidenceSchedule);

    /// <summary>The storage account the triggers poll (a connection string, or identity-based settings under this prefix).</summary>
    public const string Storage = "AzureWebJobsStorage";

    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        [PingBatchQueue] = "ping-batches",
        // The one timer: every minute, the finest cadence of its jobs (watchdog, delivery). One schedule lease.
        [MinuteSchedule] = "0 * * * * *",
        // Every minute at second 0: calm probes close their batches a few seconds before it (Probe:Batching:CalmLead),
        // so a calm batch is stored within seconds of its close and no listener polls its queue.
        [CalmBatchSchedule] = "0 * * * * *",
        // Hourly at minute 5, after the settle delay (2 min) let the last hour's batches arrive: each run rewrites
        // the hour that ended and the current one's first minutes (entity group transactions), so 4 quarter-hourly
        // runs (about 10 EGTs per 100 targets an hour) become one (4). Nothing waits for it: the series, figures,
        // report and evidence readers merge the raw batches after the compaction point (SampleReader), now at most
        // about 65 minutes of them (65 batches at the calm 60 s cadence) instead of 17, read in the same one query.
        [CompactionSchedule] = "0 5 * * * *",
        // Every minute: a silent probe is noticed within the silence limit plus a minute.
        [WatchdogSchedule] = "0 * * * * *",
        // Every 5 minutes: the alert rule (infra/app/alerts.bicep) evaluates every 5 minutes anyway, so a refused batch
        // is mailed within about 10 minutes; one queue read a run (12 an hour instead of 120 for both queues every minute).
        [PoisonWatchSchedule] = "0 */5 * * * *",
        // Every minute: a retry waits at most 3 minutes, so a notice goes out within 5 minutes of its channel
        // coming back; a run with nothing due reads nothing (NetPulse:Alerts:DueSweepInterval: a sweep every 15 min).
        [AlertDeliverySchedule] = "0 * * * * *",
        // Minute 15 of every hour: each run reports the days that ended (plus the settle delay) and are not yet reported.
        [ReportSchedule] = "0 15 * * * *",
        // Minute 40 of every hour, away from compaction's quarter hours and the report: each run is bounded
        // (NetPulse:Retention:MaxChangesPerRun, MaxRunTime), so a first run on years of data spreads over hours.
        [RetentionSchedule] = "0 40 * * * *",
        // Minute 25 of every hour, after the daily report's run: weeks and months end at local midnight and timers run on
        // UTC, so an hourly look builds a pack within the hour after its period (and the settle delay) ended; a run with
        // nothing due reads the probes and the evidence index and writes nothing.
        [EvidenceSchedule] = "0 25 * * * *",
    };

    /// <summary>The setting's value, or its default.</summary>
    public static string Resolve(Microsoft.Extensions.Configuration.IConfiguration configuration, string setting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[setting] is { Length: > 0 } value ? value : Defaults[setting];
    }
}
