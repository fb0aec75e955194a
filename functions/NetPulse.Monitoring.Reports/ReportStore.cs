using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// The reports table. A day is one summary row in the "days" partition (so listing days is one partition scan)
/// and one row per target in a partition of its own, keyed by local date, probe and target key. Target rows
/// are written first and the summary last, so a summary row means the day was built completely.
/// </summary>
internal sealed class ReportStore
{
    /// <summary>The partition of the per-day summary rows, one row per local date.</summary>
    public const string DaysPartition = "days";

    private const string TargetRowPrefix = "t|";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] FigureColumns =
        [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey), nameof(TargetReportEntity.Figures)];

    private static readonly string[] KeyColumns = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];

    private readonly CreateOnce _createTable;

    public ReportStore(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        Table = service.GetTableClient(options.Value.TablePrefix + "reports");
        _createTable = new CreateOnce(ct => Table.CreateIfNotExistsAsync(ct));
    }

    public TableClient Table { get; }

    /// <summary>"2026-03-29": the row key of a day's summary and the partition key of its targets' rows.</summary>
    public static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string TargetRow(string probeId, string targetName) =>
        string.Concat(TargetRowPrefix, probeId, "|", TableKeys.TargetKey(targetName));

    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _createTable.EnsureAsync(cancellationToken);

    /// <summary>
    /// Stores a built day: replaces its target rows, deletes rows of targets no longer in it, then merges the
    /// summary row so that what the mailer recorded there ("emailed") survives a rebuild.
    /// </summary>
    public async Task WriteAsync(DailyReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        await EnsureCreatedAsync(cancellationToken);
        var partition = DateKey(report.Date);
        var rows = report.Targets.Select(t => ToEntity(partition, t)).ToList();
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);

        var stale = new List<TableEntity>();
        await foreach (var existing in Table.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: KeyColumns, cancellationToken: cancellationToken))
        {
            if (!keep.Contains(existing.RowKey))
            {
                stale.Add(existing);
            }
        }

        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))
            .Concat(stale.Select(s => new TableTransactionAction(TableTransactionActionType.Delete, s, ETag.All)));
        foreach (var transaction in BySize(actions))
        {
            await IncidentStore.SubmitAsync(Table, transaction, cancellationToken);
        }

        var summary = new TableEntity(DaysPartition, partition)
        {
            [nameof(DailyReportSummary.TimeZone)] = report.TimeZone,
            [nameof(DailyReportSummary.From)] = report.From,
            [nameof(DailyReportSummary.To)] = report.To,
            [nameof(DailyReportSummary.TargetCount)] = report.Targets.Count,
            [nameof(DailyReportSummary.IncidentCount)] =
                report.Targets.Sum(t => t.IncidentCount) + report.ProbeIncidents.Count + report.ProbeIncidentsNotListed,
            [nameof(DailyReportSummary.Grades)] = JsonSerializer.Serialize(report.Grades, Json),
            [nameof(DailyReport.ProbeIncidents)] = JsonSerializer.Serialize(report.ProbeIncidents, Json),
            [nameof(DailyReport.ProbeIncidentsNotListed)] = report.ProbeIncidentsNotListed,
            [nameof(DailyReport.UndeliveredAlerts)] = report.UndeliveredAlerts,
            [nameof(DailyReport.PendingAlerts)] = report.PendingAlerts,
        };
        await Table.UpsertEntityAsync(summary, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Records that the day's email went out; the day must have been built.</summary>
    public async Task MarkEmailedAsync(DateOnly date, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(DaysPartition, DateKey(date))
        {
            [nameof(DailyReportSummary.Emailed)] = true,
            [nameof(DailyReportSummary.EmailedAt)] = at,
        };
        await Table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The built days from <paramref name="first"/> to <paramref name="last"/> (inclusive; null for no bound), newest first.</summary>
    public async Task<List<DailyReportSummary>> ListAsync(DateOnly? first, DateOnly? last, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var lower = first is { } f ? DateKey(f) : "";
        var upper = last is { } l ? DateKey(l) : "~";
        var days = new List<DailyReportSummary>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {DaysPartition} and RowKey ge {lower} and RowKey le {upper}"),
                           cancellationToken: cancellationToken))
        {
            days.Add(ToSummary(entity));
        }

        days.Reverse();
        return days;
    }

    public async Task<DailyReport?> ReadAsync(DateOnly date, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var partition = DateKey(date);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(DaysPartition, partition, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } summaryRow)
        {
            return null;
        }

        var summary = ToSummary(summaryRow);
        var targets = new List<TargetDayReport>();
        await foreach (var row in Table.QueryAsync<TargetReportEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
        {
            targets.Add(JsonSerializer.Deserialize<TargetDayReport>(row.Report, Json)
                ?? throw new InvalidDataException($"report row {partition}/{row.RowKey} holds no report"));
        }

        return new DailyReport
        {
            Date = summary.Date,
            TimeZone = summary.TimeZone,
            From = summary.From,
            To = summary.To,
            Grades = summary.Grades,
            Emailed = summary.Emailed,
            EmailedAt = summary.EmailedAt,
            Targets = ReportOrder.Sort(targets),
            ProbeIncidents = summaryRow.GetString(nameof(DailyReport.ProbeIncidents)) is { Length: > 0 } json
                ? JsonSerializer.Deserialize<List<ReportIncident>>(json, Json) ?? []
                : [],
            ProbeIncidentsNotListed = summaryRow.GetInt32(nameof(DailyReport.ProbeIncidentsNotListed)) ?? 0,
            UndeliveredAlerts = summaryRow.GetInt32(nameof(DailyReport.UndeliveredAlerts)) ?? 0,
            PendingAlerts = summaryRow.GetInt32(nameof(DailyReport.PendingAlerts)) ?? 0,
        };
    }

    /// <summary>The key figures of each target on each of the given days that has a report, for trends.</summary>
    public async Task<Dictionary<DateOnly, Dictionary<string, TrendFigures>>> ReadFiguresAsync(
        IEnumerable<DateOnly> dates, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var figures = new Dictionary<DateOnly, Dictionary<string, TrendFigures>>();
        foreach (var date in dates)
        {
            var day = new Dictionary<string, TrendFigures>(StringComparer.Ordinal);
            await foreach (var row in Table.QueryAsync<TargetReportEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {DateKey(date)}"), select: FigureColumns, cancellationToken: cancellationToken))
            {
                if (row.Figures is { Length: > 0 } json && JsonSerializer.Deserialize<TrendFigures>(json, Json) is { } f)
                {
                    day[row.RowKey] = f;
                }
            }

            if (day.Count > 0)
            {
                figures[date] = day;
            }
        }

        return figures;
    }

    /// <summary>
    /// Cuts a day's actions into transactions the service accepts: at most 100 actions and well under its
    /// 4 MiB body, where each report travels as Base64 (a worst-case target day is some 33 KB of JSON).
    /// </summary>
    internal static IEnumerable<List<TableTransactionAction>> BySize(IEnumerable<TableTransactionAction> actions)
    {
        const int MaxActions = 100;
        const long MaxBytes = 2_500_000;
        const long PerAction = 2_000;
        var chunk = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var action in actions)
        {
            var size = PerAction + (action.Entity is TargetReportEntity row ? (row.Report.Length * 4L / 3) + (row.Figures.Length * 2L) : 0);
            if (chunk.Count == MaxActions || (chunk.Count > 0 && bytes + size > MaxBytes))
            {
                yield return chunk;
                (chunk, bytes) = ([], 0);
            }

            chunk.Add(action);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static TargetReportEntity ToEntity(string partition, TargetDayReport target) => new()
    {
        PartitionKey = partition,
        RowKey = TargetRow(target.ProbeId, target.TargetName),
        ProbeId = target.ProbeId,
        TargetName = target.TargetName,
        Grade = target.Grade?.ToString(),
        Figures = JsonSerializer.Serialize(ReportTrends.FiguresOf(target), Json),
        Report = JsonSerializer.SerializeToUtf8Bytes(target, Json),
    };

    private static DailyReportSummary ToSummary(TableEntity entity) => new()
    {
        Date = DateOnly.ParseExact(entity.RowKey, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeZone = entity.GetString(nameof(DailyReportSummary.TimeZone)) ?? "UTC",
        From = entity.GetDateTimeOffset(nameof(DailyReportSummary.From))?.ToUniversalTime() ?? default,
        To = entity.GetDateTimeOffset(nameof(DailyReportSummary.To))?.ToUniversalTime() ?? default,
        TargetCount = entity.GetInt32(nameof(DailyReportSummary.TargetCount)) ?? 0,
        IncidentCount = entity.GetInt32(nameof(DailyReportSummary.IncidentCount)) ?? 0,
        Grades = entity.GetString(nameof(DailyReportSummary.Grades)) is { Length: > 0 } grades
            ? JsonSerializer.Deserialize<GradeCounts>(grades, Json) ?? new GradeCounts(0, 0, 0, 0, 0, 0)
            : new GradeCounts(0, 0, 0, 0, 0, 0),
        Emailed = entity.GetBoolean(nameof(DailyReportSummary.Emailed)) ?? false,
        EmailedAt = entity.GetDateTimeOffset(nameof(DailyReportSummary.EmailedAt))?.ToUniversalTime(),
    };
}

/// <summary>One target's day in the reports table.</summary>
internal sealed class TargetReportEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ProbeId { get; set; } = "";

    /// <summary>The real name (the row key holds its key form).</summary>
    public string TargetName { get; set; } = "";

    /// <summary>"A" to "F"; absent for a target without rounds that day.</summary>
    public string? Grade { get; set; }

    /// <summary>The <see cref="TrendFigures"/> later days compare with, as JSON: a small column to read alone.</summary>
    public string Figures { get; set; } = "";

    /// <summary>The whole <see cref="TargetDayReport"/> as UTF-8 JSON (bounded: some 20 KB at most).</summary>
    public byte[] Report { get; set; } = [];
}
