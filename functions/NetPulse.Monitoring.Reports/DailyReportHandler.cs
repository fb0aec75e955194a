using System.Globalization;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>What one run of the daily report timer did.</summary>
/// <param name="Built">Days built, oldest first.</param>
/// <param name="Emailed">Days whose email went out, oldest first.</param>
public sealed record DailyReportRun(IReadOnlyList<DateOnly> Built, IReadOnlyList<DateOnly> Emailed);

/// <summary>
/// Run by a timer (hourly, so a day is reported soon after local midnight whatever the zone): builds every
/// finished day of the last <see cref="ReportOptions.CatchUpDays"/> that has no report yet, oldest first, and
/// emails each built day that has not been emailed, once (a day with no rounds and no silent probe is stored
/// but not mailed). A day is finished <see cref="ReportOptions.SettleDelay"/>
/// after its local midnight. Days before the first stored round are skipped. Any failure escapes: the next
/// run picks up where this one stopped, since "built" and "emailed" are recorded per day.
/// </summary>
public sealed class DailyReportHandler
{
    private readonly ReportBuilder _builder;
    private readonly ReportStore _store;
    private readonly ReportMailer _mailer;
    private readonly TargetReader _targets;
    private readonly ReportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DailyReportHandler> _logger;
    private readonly IReportAnnouncer? _announcer;

    internal DailyReportHandler(
        ReportBuilder builder,
        ReportStore store,
        ReportMailer mailer,
        TargetReader targets,
        IOptions<ReportOptions> options,
        TimeProvider time,
        ILogger<DailyReportHandler> logger,
        IReportAnnouncer? announcer = null)
    {
        _announcer = announcer;
        _builder = builder;
        _store = store;
        _mailer = mailer;
        _targets = targets;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task<DailyReportRun> RunAsync(CancellationToken cancellationToken)
    {
        var zone = _builder.Zone;
        var now = _time.GetUtcNow();
        var newest = ReportDay.DateOf(now - _options.SettleDelay, zone).AddDays(-1);
        var oldest = newest.AddDays(1 - _options.CatchUpDays);

        var firstRound = (await _targets.GetTargetsAsync(cancellationToken: cancellationToken))
            .Where(t => t.FirstSampleAt != default)
            .Select(t => (DateTimeOffset?)t.FirstSampleAt)
            .Min();
        if (firstRound is not { } first)
        {
            _logger.LogInformation("No report built: no round stored yet");
            return new DailyReportRun([], []);
        }

        var firstDay = ReportDay.DateOf(first, zone);
        if (firstDay > oldest)
        {
            oldest = firstDay;
        }

        var stored = (await _store.ListAsync(oldest, newest, cancellationToken)).ToDictionary(s => s.Date);
        var built = new List<DateOnly>();
        var emailed = new List<DateOnly>();
        for (var date = oldest; date <= newest; date = date.AddDays(1))
        {
            DailyReport? report = null;
            if (!stored.TryGetValue(date, out var summary))
            {
                report = await _builder.BuildAsync(date, cancellationToken);
                await _store.WriteAsync(report, cancellationToken);
                built.Add(date);
                _logger.LogInformation(
                    "Report of {ReportDate} built: {TargetCount} targets, {GradeF} graded F", date, report.Targets.Count, report.Grades.F);
                if (report.Targets.Count == 0 && report.ProbeIncidents.Count == 0)
                {
                    // No rounds and no probe-silent incident: as far as storage knows nothing ran, and a mail would say nothing.
                    continue;
                }
            }
            else if (summary.Emailed || (summary.TargetCount == 0 && summary.IncidentCount == 0))
            {
                continue;
            }

            report ??= await _store.ReadAsync(date, cancellationToken)
                       ?? throw new InvalidOperationException($"the report of {date:yyyy-MM-dd} vanished while it was being emailed");
            if (_announcer is not null)
            {
                // Stored before the mail goes: a failed mail is tried again next run, and the notice's id makes a second announcement nothing.
                var (title, lines) = _mailer.Announcement(report);
                await _announcer.AnnounceAsync(string.Create(CultureInfo.InvariantCulture, $"daily {date:yyyy-MM-dd}"), title, lines, cancellationToken);
            }

            await _mailer.SendAsync(report, cancellationToken);
            await _store.MarkEmailedAsync(date, _time.GetUtcNow(), cancellationToken);
            emailed.Add(date);
        }

        return new DailyReportRun(built, emailed);
    }
}
