using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// Writes a target's rounds as CSV or JSON while reading them, one UTC day per read, so a month's export holds a
/// day in memory, not a month. A storage failure after the first bytes ends the response abruptly (the host aborts
/// it), so a client never takes a cut-off file for a whole one.
/// </summary>
public sealed class SampleExport : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string Csv = "csv";
    public const string Json = "json";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly SampleReader _samples;
    private readonly string _probeId;
    private readonly string _targetName;
    private readonly TimeRange _range;

    internal SampleExport(SampleReader samples, string probeId, string targetName, TimeRange range, string format)
    {
        _samples = samples;
        _probeId = probeId;
        _targetName = targetName;
        _range = range;
        Format = format;
    }

    public string Format { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => Format == Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;

        // The file name is made of the id and times only: no config text in a header.
        response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture,
            $"attachment; filename=\"netpulse-{TargetIds.Format(_probeId, _targetName)}-{_range.From.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{Format}\"");
        var cancellationToken = httpContext.RequestAborted;
        if (Format == Json)
        {
            await WriteJsonAsync(response.Body, cancellationToken);
        }
        else
        {
            await WriteCsvAsync(response.Body, cancellationToken);
        }
    }

    public static string StatusName(PingStatus status) => status switch
    {
        PingStatus.Ok => "ok",
        PingStatus.Timeout => "timeout",
        PingStatus.Unreachable => "unreachable",
        PingStatus.TtlExpired => "ttlExpired",
        PingStatus.ResolveFailed => "resolveFailed",
        PingStatus.SendFailed => "sendFailed",
    };

    private async Task WriteCsvAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, Utf8, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync("time,probeId,target,status,rttMs");

        // The same for every row: made safe once. Id and name are text from the probe's config; time, status and
        // RTT are written here, and stay as they are.
        var prefix = string.Concat(",", Storage.Csv.Text(_probeId), ",", Storage.Csv.Text(_targetName), ",");
        var line = new StringBuilder(96);
        await foreach (var day in DaysAsync(cancellationToken))
        {
            foreach (var sample in day)
            {
                line.Clear()
                    .Append(UtcTimeJsonConverter.Text(sample.Time))
                    .Append(prefix)
                    .Append(StatusName(sample.Status))
                    .Append(',');
                if (sample.RttMilliseconds is { } rtt)
                {
                    line.Append(rtt.ToString("0.###", CultureInfo.InvariantCulture));
                }

                await writer.WriteLineAsync(line, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    private async Task WriteJsonAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("targetId", TargetIds.Format(_probeId, _targetName));
        json.WriteString("probeId", _probeId);
        json.WriteString("targetName", _targetName);
        json.WriteString("from", UtcTimeJsonConverter.Text(_range.From));
        json.WriteString("to", UtcTimeJsonConverter.Text(_range.To));
        json.WriteStartArray("samples");
        await foreach (var day in DaysAsync(cancellationToken))
        {
            foreach (var sample in day)
            {
                json.WriteStartObject();
                json.WriteString("t", UtcTimeJsonConverter.Text(sample.Time));
                json.WriteString("status", StatusName(sample.Status));
                if (sample.RttMilliseconds is { } rtt)
                {
                    json.WriteNumber("rttMs", rtt);
                }
                else
                {
                    json.WriteNull("rttMs");
                }

                json.WriteEndObject();
            }

            await json.FlushAsync(cancellationToken);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The rounds of the range a UTC day at a time (the samples table's partition), each read when the one before is written.</summary>
    private async IAsyncEnumerable<IReadOnlyList<Sample>> DaysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var from = _range.From; from <= _range.To;)
        {
            var next = TableKeys.DayOf(from).AddDays(1);
            var to = next.AddTicks(-1) < _range.To ? next.AddTicks(-1) : _range.To;
            yield return await _samples.GetSamplesAsync(_probeId, _targetName, from, to, cancellationToken);
            from = next;
        }
    }
}
