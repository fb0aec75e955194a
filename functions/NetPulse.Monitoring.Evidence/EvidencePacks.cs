using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>A period that cannot be built (yet or any more): not ended, or its raw rounds have been deleted.</summary>
public sealed class EvidencePeriodOutOfRangeException : Exception
{
    public EvidencePeriodOutOfRangeException(string message)
        : base(message)
    {
    }

    public EvidencePeriodOutOfRangeException()
    {
    }

    public EvidencePeriodOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// One pack from end to end: built from storage (<see cref="EvidenceBuilder"/>), rendered (<see cref="EvidencePdf"/>,
/// <see cref="EvidenceCsv"/>), stored (<see cref="EvidenceStore"/>) and mailed once. The timer's job and the API's
/// rebuild both come through here, so a pack is made one way.
/// </summary>
internal sealed class EvidencePacks
{
    private readonly EvidenceBuilder _builder;
    private readonly EvidenceStore _store;
    private readonly EvidenceMailer _mailer;
    private readonly ProbeStateStore _probes;
    private readonly RetentionPolicy _retention;
    private readonly ReportOptions _reports;
    private readonly TimeProvider _time;

    public EvidencePacks(
        EvidenceBuilder builder,
        EvidenceStore store,
        EvidenceMailer mailer,
        ProbeStateStore probes,
        RetentionPolicy retention,
        IOptions<ReportOptions> reports,
        TimeProvider time)
    {
        _builder = builder;
        _store = store;
        _mailer = mailer;
        _probes = probes;
        _retention = retention;
        _reports = reports.Value;
        _time = time;
    }

    public TimeZoneInfo Zone => _builder.Zone;

    public EvidenceStore Store => _store;

    /// <summary>True when the period ended (and the report's settle delay passed) and its raw rounds are still kept.</summary>
    public string? WhyNotBuildable(EvidencePeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var now = _time.GetUtcNow();
        if (period.To > now - _reports.SettleDelay)
        {
            return $"{period.Id} has not ended yet (it ends {EvidenceText.Iso(period.To, period.Zone)}, and is built {_reports.SettleDelay.TotalMinutes:0} minutes later)";
        }

        var rawFrom = _retention.Now().RawFrom;
        return period.From < rawFrom
            ? $"the raw rounds of {period.Id} are no longer kept (NetPulse:Retention:RawDays keeps them from {EvidenceText.Iso(rawFrom, period.Zone)}); a stored pack of it stays as it is"
            : null;
    }

    /// <summary>Builds and stores the pack, replacing an older build; mails nothing.</summary>
    public async Task<EvidenceSummary> BuildAndStoreAsync(string probeId, EvidencePeriod period, string? site, CancellationToken cancellationToken)
    {
        var pack = await _builder.BuildAsync(probeId, period, site, cancellationToken);
        return await _store.WriteAsync(pack, EvidencePdf.Render(pack), EvidenceCsv.Write(pack), cancellationToken);
    }

    /// <summary>
    /// The API's rebuild: the pack again from what storage holds now, with the probe's site from its stored status.
    /// Mails nothing: a pack not yet mailed is mailed by the next run of the job, one already mailed is not mailed again.
    /// </summary>
    /// <exception cref="UnknownTargetException">No batch ever came from the probe.</exception>
    /// <exception cref="EvidencePeriodOutOfRangeException">The period has not ended or its raw rounds are gone.</exception>
    public async Task<EvidenceSummary> RebuildAsync(string probeId, EvidencePeriod period, CancellationToken cancellationToken)
    {
        var state = await _probes.ReadAsync(probeId, cancellationToken);
        if (!state.ProbeRowExists)
        {
            throw new UnknownTargetException($"no batch ever came from probe '{probeId}'");
        }

        if (WhyNotBuildable(period) is { } why)
        {
            throw new EvidencePeriodOutOfRangeException(why);
        }

        return await BuildAndStoreAsync(probeId, period, state.Status?.Site, cancellationToken);
    }

    /// <summary>Mails a stored pack from its stored files and records that it went out; false when there was nothing to mail.</summary>
    public async Task<bool> MailOnceAsync(EvidenceSummary pack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (pack.Emailed || !pack.IsWorthMailing)
        {
            return false;
        }

        var pdf = await _store.OpenAsync(pack.ProbeId, pack.Kind, pack.Period, EvidenceStore.PdfFile, cancellationToken)
                  ?? throw new InvalidOperationException($"the PDF of {pack.ProbeId} {pack.Period} vanished before it was mailed");
        var csv = new List<EvidenceCsvFile>();
        foreach (var name in EvidenceStore.CsvFiles)
        {
            if (await _store.OpenAsync(pack.ProbeId, pack.Kind, pack.Period, name, cancellationToken) is { } file)
            {
                csv.Add(new EvidenceCsvFile(file.FileName, file.Content));
            }
        }

        await _mailer.SendAsync(pack, pdf.Content, csv, cancellationToken);
        await _store.MarkEmailedAsync(pack, _time.GetUtcNow(), cancellationToken);
        return true;
    }
}
