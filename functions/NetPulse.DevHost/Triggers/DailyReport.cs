using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Reports;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's DailyReport on the WebJobs SDK.</summary>
public sealed class DailyReport(DailyReportHandler handler)
{
    [FunctionName(nameof(DailyReport))]
    public Task Run([TimerTrigger("%ReportSchedule%", UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(cancellationToken);
}
