using System.Globalization;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The stored daily reports, for the HTTP API: the list of reported days, one day's report, and a rebuild of a
/// day from what storage holds now (after a late backlog arrived, say). A rebuild sends no email and keeps the
/// day's "emailed" mark.
/// </summary>
public sealed class ReportReader
{
    /// <summary>The date format of routes and keys: "2026-03-29".</summary>
    public const string DateFormat = "yyyy-MM-dd";

    private readonly ReportStore _store;
    private readonly ReportBuilder _builder;
    private readonly TargetReader _targets;
    private readonly RetentionPolicy _retention;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportReader> _logger;

    internal ReportReader(ReportStore store, ReportBuilder builder, TargetReader targets, RetentionPolicy retention, TimeProvider time, ILogger<ReportReader> logger)
    {
        _store = store;
        _builder = builder;
        _targets = targets;
        _retention = retention;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every reported day, newest first.</summary>
    public async Task<IReadOnlyList<DailyReportSummary>> ListDatesAsync(CancellationToken cancellationToken = default) =>
        await _store.ListAsync(first: null, last: null, cancellationToken);

    /// <summary>The report of a local date with all its targets; null when that day has not been reported.</summary>
    public Task<DailyReport?> GetReportAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        _store.ReadAsync(date, cancellationToken);

    /// <summary>Builds the day again from the stored rounds and incidents, stores it in place of the old one and returns it.</summary>
    /// <exception cref="ReportDateOutOfRangeException">
    /// The date is before the first stored round's day or after yesterday, in the report time zone.
    /// </exception>
    public async Task<DailyReport> RebuildAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        // Only days with data that have ended: an earlier day would be an empty report that looks like an outage,
        // a later one partial, and a stored report the timer takes for done.
        var zone = _builder.Zone;
        var last = ReportDay.DateOf(_time.GetUtcNow(), zone).AddDays(-1);
        var first = await FirstDayAsync(zone, cancellationToken);
        if (first is null || date < first || date > last)
        {
            throw new ReportDateOutOfRangeException(date, first, last, zone.Id, ReportDay.Of(date, zone).To);
        }

        // Reports are kept, rounds are not: a day reaching before the raw edge would be rebuilt with a hole and
        // replace the report made when its rounds were all there.
        var rawFrom = _retention.Now().RawFrom;
        if (ReportDay.Of(date, zone).From < rawFrom)
        {
            throw new ReportDateOutOfRangeException(string.Create(CultureInfo.InvariantCulture,
                $"{date:yyyy-MM-dd} cannot be rebuilt: rounds are kept {_retention.Options.RawDays} days (from {rawFrom.UtcDateTime:yyyy-MM-dd} UTC), so its report as stored stands"));
        }

        var report = await _builder.BuildAsync(date, cancellationToken);
        await _store.WriteAsync(report, cancellationToken);
        _logger.LogInformation("Report of {ReportDate} rebuilt: {TargetCount} targets", date, report.Targets.Count);
        return await _store.ReadAsync(date, cancellationToken) ?? report;
    }

    /// <summary>The local day of the first round stored of any target; null before the first batch.</summary>
    private async Task<DateOnly?> FirstDayAsync(TimeZoneInfo zone, CancellationToken cancellationToken) =>
        (await _targets.GetTargetsAsync(cancellationToken: cancellationToken))
            .Where(t => t.FirstSampleAt != default)
            .Select(t => (DateOnly?)ReportDay.DateOf(t.FirstSampleAt, zone))
            .Min();

    /// <summary>Parses a route's date ("2026-03-29", nothing else).</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

/// <summary>
/// A day outside the stored data's days cannot be rebuilt: before the first round its report would be empty, one
/// that has not ended would be partial (and the timer would take it for done).
/// </summary>
public sealed class ReportDateOutOfRangeException : InvalidOperationException
{
    public ReportDateOutOfRangeException()
    {
    }

    public ReportDateOutOfRangeException(string message)
        : base(message)
    {
    }

    public ReportDateOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ReportDateOutOfRangeException(DateOnly date, DateOnly? first, DateOnly last, string zone, DateTimeOffset endsAt)
        : base(Describe(date, first, last, zone, endsAt))
    {
        Date = date;
    }

    public DateOnly? Date { get; }

    private static string Describe(DateOnly date, DateOnly? first, DateOnly last, string zone, DateTimeOffset endsAt)
    {
        if (first is not { } firstDay)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} cannot be rebuilt: no round is stored yet, so no day can be reported");
        }

        var range = firstDay > last
            ? string.Create(CultureInfo.InvariantCulture, $"no day can be rebuilt yet: the first stored round's day, {firstDay:yyyy-MM-dd} in {zone}, has not ended")
            : string.Create(CultureInfo.InvariantCulture, $"days from {firstDay:yyyy-MM-dd} (the first stored round's) to {last:yyyy-MM-dd} (yesterday) in {zone} can be rebuilt");
        var why = date > last
            ? string.Create(CultureInfo.InvariantCulture, $"; {date:yyyy-MM-dd} ends at {endsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC")
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} cannot be rebuilt: {range}{why}");
    }
}
