using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>What one run of the evidence job did; each pack named "{probe} {kind} {period}".</summary>
/// <param name="Built">Packs built and stored.</param>
/// <param name="Emailed">Packs whose email went out.</param>
/// <param name="Failed">Packs whose build or mail failed (logged; the next run tries again).</param>
/// <param name="Deferred">Packs due but left for the next run (<see cref="EvidenceOptions.MaxPacksPerRun"/>).</param>
public sealed record EvidenceRun(IReadOnlyList<string> Built, IReadOnlyList<string> Emailed, IReadOnlyList<string> Failed, int Deferred);

/// <summary>
/// The <c>Evidence</c> job of the one timer: for every probe and every ended week and month of the last
/// <see cref="EvidenceOptions.CatchUpWeeks"/> and <see cref="EvidenceOptions.CatchUpMonths"/> (local dates in the
/// report zone, ended plus the report's settle delay), builds the pack that is not stored yet and mails it once, at
/// most <see cref="EvidenceOptions.MaxPacksPerRun"/> packs a run, oldest period first. Periods before a probe's first
/// round or after its retirement are skipped. A stored pack whose email failed is mailed by a later run; one probe's
/// failure is logged and the others go on. Idempotent: a run with nothing due reads one table and changes nothing.
/// </summary>
internal sealed class EvidenceJob
{
    private readonly EvidencePacks _packs;
    private readonly ProbeStateStore _probes;
    private readonly EvidenceOptions _options;
    private readonly Reports.ReportOptions _reports;
    private readonly TimeProvider _time;
    private readonly ILogger<EvidenceJob> _logger;

    public EvidenceJob(
        EvidencePacks packs,
        ProbeStateStore probes,
        IOptions<EvidenceOptions> options,
        IOptions<Reports.ReportOptions> reports,
        TimeProvider time,
        ILogger<EvidenceJob> logger)
    {
        _packs = packs;
        _probes = probes;
        _options = options.Value;
        _reports = reports.Value;
        _time = time;
        _logger = logger;
    }

    public async Task<EvidenceRun> RunAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return new EvidenceRun([], [], [], 0);
        }

        var periods = DuePeriods().Where(p => _packs.WhyNotBuildable(p) is null).OrderBy(p => p.From).ThenBy(p => p.Kind).ToList();
        if (periods.Count == 0)
        {
            return new EvidenceRun([], [], [], 0);
        }

        var probes = (await _probes.ReadAllAsync(cancellationToken)).OrderBy(p => p.ProbeId, StringComparer.Ordinal).ToList();
        var stored = (await _packs.Store.ListAsync(null, null, cancellationToken))
            .ToDictionary(p => (p.ProbeId, p.Kind, p.Period));
        var (built, emailed, failed) = (new List<string>(), new List<string>(), new List<string>());
        var deferred = 0;
        foreach (var period in periods)
        {
            var kind = EvidenceKinds.Name(period.Kind);
            foreach (var probe in probes)
            {
                var firstRound = probe.Targets.Values.Where(t => t.FirstSampleAt != default).Select(t => (DateTimeOffset?)t.FirstSampleAt).Min();
                if (firstRound is not { } first || first >= period.To || probe.RetiredAt <= period.From)
                {
                    continue;
                }

                var name = $"{probe.ProbeId} {kind} {period.Id}";
                stored.TryGetValue((probe.ProbeId, kind, period.Id), out var summary);
                if (summary is not null && (summary.Emailed || !summary.IsWorthMailing))
                {
                    continue;
                }

                if (built.Count + emailed.Count + failed.Count >= _options.MaxPacksPerRun)
                {
                    deferred++;
                    continue;
                }

                try
                {
                    if (summary is null)
                    {
                        summary = await _packs.BuildAndStoreAsync(probe.ProbeId, period, probe.Status?.Site, cancellationToken);
                        built.Add(name);
                        _logger.LogInformation(
                            "Evidence pack {Pack} built: {TargetCount} targets, grade {Grade}", name, summary.TargetCount, summary.Grade ?? "none");
                    }

                    if (await _packs.MailOnceAsync(summary, cancellationToken))
                    {
                        emailed.Add(name);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // One probe's pack must not keep the others from being built: the next run tries this one again.
                    failed.Add(name);
                    _logger.LogError(ex, "Evidence pack {Pack} failed; the next run tries it again", name);
                }
            }
        }

        if (deferred > 0)
        {
            _logger.LogInformation("{Deferred} evidence packs are due and left for the next run (NetPulse:Evidence:MaxPacksPerRun is {Max})", deferred, _options.MaxPacksPerRun);
        }

        return new EvidenceRun(built, emailed, failed, deferred);
    }

    /// <summary>The ended weeks and months the run looks at, newest first within each kind.</summary>
    private IEnumerable<EvidencePeriod> DuePeriods()
    {
        var zone = _packs.Zone;
        var today = Reports.ReportDay.DateOf(_time.GetUtcNow() - _reports.SettleDelay, zone);
        if (_options.Weekly)
        {
            for (var i = 1; i <= _options.CatchUpWeeks; i++)
            {
                yield return EvidencePeriod.WeekOf(today.AddDays(-7 * i), zone);
            }
        }

        if (_options.Monthly)
        {
            var thisMonth = new DateOnly(today.Year, today.Month, 1);
            for (var i = 1; i <= _options.CatchUpMonths; i++)
            {
                yield return EvidencePeriod.MonthOf(thisMonth.AddMonths(-i), zone);
            }
        }
    }
}
