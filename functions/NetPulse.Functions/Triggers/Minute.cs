using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>
/// The one timer: runs the scheduled jobs that are due (watchdog, alert delivery, compaction, daily report), each
/// on its own schedule setting. One timer rather than four: one singleton lease and one execution a minute.
/// </summary>
public sealed class Minute(ScheduledJobs jobs)
{
    // UseMonitor=false: a missed tick is caught up by the jobs' next runs, so the schedule status blob buys nothing.
    [Function(nameof(Minute))]
    public Task Run([TimerTrigger("%MinuteSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunAsync(cancellationToken);
}
