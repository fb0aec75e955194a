using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// Builds one local day's report from what storage holds: every target of every probe that had rounds or
/// incidents that day, with the figures of the seven reported days before for its trend. Reads only; the
/// caller stores the result. The same stored data gives the same report.
/// </summary>
internal sealed class ReportBuilder
{
    private readonly TargetReader _targets;
    private readonly SampleReader _samples;
    private readonly IncidentReader _incidents;
    private readonly ReportStore _store;
    private readonly DetectionOptions _detection;
    private readonly IAlertNoticeLog? _notices;

    /// <param name="notices">The alert outbox; null where no alerts are wired (the report then counts none).</param>
    public ReportBuilder(
        TargetReader targets, SampleReader samples, IncidentReader incidents, ReportStore store, IOptions<ReportOptions> options, IOptions<DetectionOptions> detection,
        IAlertNoticeLog? notices = null)
    {
        _notices = notices;
        _targets = targets;
        _samples = samples;
        _incidents = incidents;
        _store = store;
        _detection = detection.Value;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    }

    public TimeZoneInfo Zone { get; }

    public async Task<DailyReport> BuildAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var day = ReportDay.Of(date, Zone);
        var targets = await _targets.GetTargetsAsync(cancellationToken: cancellationToken);
        var incidents = await _incidents.GetIncidentsAsync(day.From, day.To, cancellationToken: cancellationToken);
        var history = await _store.ReadFiguresAsync(
            Enumerable.Range(1, ReportTrends.WeekDays).Select(d => date.AddDays(-d)), cancellationToken);

        var reports = new List<TargetDayReport>();
        foreach (var target in targets.Where(t => t.FirstSampleAt != default && t.FirstSampleAt < day.To))
        {
            var own = incidents.Where(i => !IncidentKind.Of(i.Type).OfProbe && i.ProbeId == target.ProbeId && i.TargetName == target.Name).ToList();
            var samples = await _samples.GetSamplesAsync(target.ProbeId, target.Name, day.From, day.To.AddTicks(-1), cancellationToken);
            if (samples.Count == 0 && !own.Any(i => ReportCalculator.Overlaps(i, day)))
            {
                continue;
            }

            var row = ReportStore.TargetRow(target.ProbeId, target.Name);
            var previous = history.TryGetValue(date.AddDays(-1), out var before) && before.TryGetValue(row, out var figures) ? figures : null;
            var week = history.Values.Select(d => d.GetValueOrDefault(row)).OfType<TrendFigures>().ToList();
            reports.Add(ReportCalculator.Build(ToReportTarget(target), day, samples, own, previous, week));
        }

        var sorted = ReportOrder.Sort(reports);
        var silent = incidents
            .Where(i => IncidentKind.Of(i.Type).OfProbe && ReportCalculator.Overlaps(i, day))
            .OrderBy(i => i.Start)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
        var notices = _notices is null ? [] : await _notices.ListAsync(day.From, day.To, cancellationToken);
        return new DailyReport
        {
            Date = date,
            TimeZone = Zone.Id,
            From = day.From,
            To = day.To,
            Grades = GradeCounts.Of(sorted.Select(t => t.Grade)),
            Targets = sorted,
            ProbeIncidents = [.. silent.Take(ReportCalculator.MaxIncidentsListed).Select(i => ReportCalculator.ToProbeIncident(i, day))],
            ProbeIncidentsNotListed = Math.Max(0, silent.Count - ReportCalculator.MaxIncidentsListed),
            UndeliveredAlerts = notices.Count(n => n.State == NoticeStates.Undelivered),
            PendingAlerts = notices.Count(n => n.State == NoticeStates.Pending),
        };
    }

    private ReportTarget ToReportTarget(TargetStatus target) => new()
    {
        ProbeId = target.ProbeId,
        Settings = target.Settings,
        LatencyThresholdMs = target.Settings.LatencyThresholdMs ?? _detection.LatencyThresholdMs,
        LossThresholdPercent = target.Settings.LossThresholdPercent ?? _detection.LossThresholdPercent,
    };
}
