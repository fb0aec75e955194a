using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>The reports layer's announcements, as outbox notices of kind <see cref="NoticeKind.Report"/>.</summary>
internal sealed class OutboxReportAnnouncer(AlertRaiser raiser) : IReportAnnouncer
{
    public Task AnnounceAsync(string reportId, string title, IReadOnlyList<string> lines, CancellationToken cancellationToken) =>
        raiser.RaiseReportAsync(reportId, new ReportNotice { Title = title, Lines = lines }, cancellationToken);
}
