using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's Minute (the one timer of the scheduled jobs) on the WebJobs SDK.</summary>
public sealed class Minute(ScheduledJobs jobs)
{
    [FunctionName(nameof(Minute))]
    public Task Run([TimerTrigger("%MinuteSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunAsync(cancellationToken);
}
