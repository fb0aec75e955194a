using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Reports;

namespace NetPulse.Monitoring.Api;

/// <summary>GET /api/reports, GET /api/reports/{date}?format=json|csv, POST /api/reports/{date}/rebuild.</summary>
public sealed class ReportsHandler
{
    public const string Date = "date";
    public const string Format = "format";

    private readonly ReportReader _reports;

    internal ReportsHandler(ReportReader reports)
    {
        _reports = reports;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var days = await _reports.ListDatesAsync(cancellationToken);
        return new ApiJsonResult<ReportDateList>(
            new ReportDateList([.. days.Select(d => d.Date.ToString(ReportReader.DateFormat, CultureInfo.InvariantCulture))], days),
            ApiJsonContext.Default.ReportDateList);
    });

    public Task<IResult> GetAsync(HttpRequest request, string? date, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = ParseDate(date);
        var format = ApiRequest.Choice(request, Format, SampleExport.Json, SampleExport.Csv) ?? SampleExport.Json;
        var report = await _reports.GetReportAsync(day, cancellationToken) ?? throw NotReported(date!);
        return format == SampleExport.Csv
            ? new ReportCsvResult(report)
            : new ApiJsonResult<DailyReport>(report, ReportJsonContext.Default.DailyReport);
    });

    public Task<IResult> RebuildAsync(HttpRequest request, string? date, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = ParseDate(date);
        try
        {
            return new ApiJsonResult<DailyReport>(await _reports.RebuildAsync(day, cancellationToken), ReportJsonContext.Default.DailyReport);
        }
        catch (ReportDateOutOfRangeException ex)
        {
            throw new ApiParameterException(Date, ex.Message);
        }
    });

    private static DateOnly ParseDate(string? date) =>
        ReportReader.TryParseDate(date, out var day)
            ? day
            : throw new ApiParameterException(Date, $"'{ApiRequest.Shorten(date ?? "")}' is no date; a report's date is written {ReportReader.DateFormat}, such as 2026-11-26");

    private static ApiParameterException NotReported(string date) =>
        new(Date, $"there is no report of {date}: GET /api/reports lists the reported days", notFound: true);

    /// <summary>The report's CSV (NetPulse.Monitoring.Reports' own, formula cells neutralised) as a download.</summary>
    private sealed class ReportCsvResult(DailyReport report) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = ReportCsv.Write(report);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "text/csv; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            httpContext.Response.Headers.ContentDisposition =
                $"attachment; filename=\"netpulse-report-{report.Date.ToString(ReportReader.DateFormat, CultureInfo.InvariantCulture)}.csv\"";
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}

/// <summary>
/// A report's JSON: camelCase like the rest of the API, UTC times with a Z, and the local hour starts of
/// <see cref="HourFigures.LocalStart"/> with their offsets (what they are for).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(OffsetTimeJsonConverter)])]
[JsonSerializable(typeof(DailyReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;

/// <summary>UTC times as "…Z" like <see cref="UtcTimeJsonConverter"/>; times with another offset keep it.</summary>
internal sealed class OffsetTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Offset == TimeSpan.Zero
            ? UtcTimeJsonConverter.Text(value)
            : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
    }
}
