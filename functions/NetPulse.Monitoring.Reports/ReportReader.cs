using System.Globalization;

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
    private readonly TimeProvider _time;
    private readonly ILogger<ReportReader> _logger;

    internal ReportReader(ReportStore store, ReportBuilder builder, TimeProvider time, ILogger<ReportReader> logger)
    {
        _store = store;
        _builder = builder;
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
    /// <exception cref="ReportDayNotOverException">The day has not ended yet in the report time zone.</exception>
    public async Task<DailyReport> RebuildAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var day = ReportDay.Of(date, _builder.Zone);
        if (day.To > _time.GetUtcNow())
        {
            throw new ReportDayNotOverException(date, _builder.Zone.Id, day.To);
        }

        var report = await _builder.BuildAsync(date, cancellationToken);
        await _store.WriteAsync(report, cancellationToken);
        _logger.LogInformation("Report of {ReportDate} rebuilt: {TargetCount} targets", date, report.Targets.Count);
        return await _store.ReadAsync(date, cancellationToken) ?? report;
    }

    /// <summary>Parses a route's date ("2026-03-29", nothing else).</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

/// <summary>A day that has not ended yet cannot be reported: its report would be partial, and the timer would take it for done.</summary>
public sealed class ReportDayNotOverException : InvalidOperationException
{
    public ReportDayNotOverException()
    {
    }

    public ReportDayNotOverException(string message)
        : base(message)
    {
    }

    public ReportDayNotOverException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ReportDayNotOverException(DateOnly date, string zone, DateTimeOffset endsAt)
        : base(string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} in {zone} ends at {endsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC; it can be reported from then on"))
    {
        Date = date;
    }

    public DateOnly? Date { get; }
}
