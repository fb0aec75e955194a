using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Rollups;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's Compact on the WebJobs SDK.</summary>
public sealed class Compact(CompactionHandler handler)
{
    [FunctionName(nameof(Compact))]
    public Task Run([TimerTrigger("%CompactionSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
