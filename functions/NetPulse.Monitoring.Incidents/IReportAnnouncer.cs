namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Tells the alert channels that a report is ready: a title and a few lines, not the report itself. The reports layer
/// calls it when it mails a report; the alerts layer implements it with an outbox notice, as it does
/// <see cref="IIncidentAnnouncer"/>, so Teams, Slack, ntfy and webhooks hear of the report with the same retries.
/// </summary>
internal interface IReportAnnouncer
{
    /// <param name="reportId">Stable per report (e.g. "daily 2026-12-05"): announcing one report again adds nothing.</param>
    Task AnnounceAsync(string reportId, string title, IReadOnlyList<string> lines, CancellationToken cancellationToken);
}
