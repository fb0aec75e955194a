using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Reports;

namespace NetPulse.Functions.Triggers;

/// <summary>Builds the daily reports of the finished local days not yet reported, and emails each day once.</summary>
public sealed class DailyReport(DailyReportHandler handler)
{
    // UseMonitor=false: the handler itself catches up every missed day, so the schedule status blob buys nothing.
    [Function(nameof(DailyReport))]
    public Task Run([TimerTrigger("%ReportSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
