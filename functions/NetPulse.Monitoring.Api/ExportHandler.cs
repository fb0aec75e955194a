using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/export?target&amp;from&amp;to&amp;format=csv|json: one target's rounds, streamed a UTC day at a time. Rounds
/// are kept for <see cref="RetentionOptions.RawDays"/>: a range reaching further back is exported from the raw edge on
/// (the JSON's "from" says where), whether or not the retention job has deleted yet; the series API charts the earlier
/// part from rollups.
/// </summary>
public sealed class ExportHandler
{
    public const string Format = "format";

    /// <summary>Without from/to: the last day.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(1);

    /// <summary>A month of 1 Hz rounds is 2.7 million rows: the most one download carries.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    private readonly SampleReader _samples;
    private readonly RetentionPolicy _retention;
    private readonly TimeProvider _time;

    internal ExportHandler(SampleReader samples, RetentionPolicy retention, TimeProvider time)
    {
        _samples = samples;
        _retention = retention;
        _time = time;
    }

    public Task<IResult> ExportAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = ApiRequest.Query(request, ApiRequest.Target);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Target);
        var range = ApiRequest.Range(request, _time.GetUtcNow(), DefaultLength, MaxLength);
        var format = ApiRequest.Choice(request, Format, SampleExport.Csv, SampleExport.Json) ?? SampleExport.Csv;
        try
        {
            // Checked before the answer starts: once rows stream, a 404 can no longer be sent.
            await _samples.ResolveProbeAsync(probeId, targetName, cancellationToken);
        }
        catch (UnknownTargetException ex)
        {
            throw ApiRequest.UnknownTarget(ApiRequest.Target, id!, ex);
        }

        var rawFrom = _retention.Now().RawFrom;
        // Entirely before the edge: from after to, an export without rows.
        var kept = range.From < rawFrom ? range with { From = rawFrom } : range;
        return new SampleExport(_samples, probeId, targetName, kept, format);
    });
}
