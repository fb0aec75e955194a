using System.Collections.Concurrent;
using Microsoft.Azure.WebJobs.Extensions.Timers;

namespace NetPulse.DevHost;

/// <summary>Keeps timer schedule status in memory: a dev host that restarts simply starts its schedules afresh.</summary>
internal sealed class InMemoryScheduleMonitor : ScheduleMonitor
{
    private readonly ConcurrentDictionary<string, ScheduleStatus> _status = new(StringComparer.Ordinal);

    public override Task<ScheduleStatus> GetStatusAsync(string timerName) =>
        Task.FromResult(_status.TryGetValue(timerName, out var status) ? status : null!);

    public override Task UpdateStatusAsync(string timerName, ScheduleStatus status)
    {
        _status[timerName] = status;
        return Task.CompletedTask;
    }
}
