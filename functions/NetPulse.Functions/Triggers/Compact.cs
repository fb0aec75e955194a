using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Rollups;

namespace NetPulse.Functions.Triggers;

/// <summary>Folds finished hours into packed per-target entities and rollups.</summary>
public sealed class Compact(CompactionHandler handler)
{
    // UseMonitor=false: a missed run is caught up by the next one, so the schedule status blob
    // (a storage write per run) buys nothing.
    [Function(nameof(Compact))]
    public Task Run([TimerTrigger("%CompactionSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
