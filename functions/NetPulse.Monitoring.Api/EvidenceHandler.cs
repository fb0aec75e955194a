using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using NetPulse.Contracts;
using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>GET /api/evidence?probe=&amp;kind=, GET /api/evidence/{probe}/{kind}/{period}, GET …/{file} (pack.pdf, targets.csv, …), POST …/rebuild.</summary>
public sealed class EvidenceHandler
{
    public const string Probe = "probe";
    public const string Kind = "kind";
    public const string Period = "period";
    public const string File = "file";

    private readonly EvidencePacks _packs;

    internal EvidenceHandler(EvidencePacks packs)
    {
        _packs = packs;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var probe = ApiRequest.Query(request, Probe) is { } text ? ProbeId(text) : null;
        var kind = ApiRequest.Choice(request, Kind, EvidenceKinds.Week, EvidenceKinds.Month);
        var packs = await _packs.Store.ListAsync(probe, kind, cancellationToken);
        return new ApiJsonResult<EvidenceList>(new EvidenceList(packs), EvidenceJsonContext.Default.EvidenceList);
    });

    public Task<IResult> GetAsync(HttpRequest request, string? probe, string? kind, string? period, CancellationToken cancellationToken) =>
        ApiRequest.HandleAsync(request, async () =>
        {
            var (probeId, kindName, periodId) = Pack(probe, kind, period);
            var detail = await _packs.Store.GetDetailAsync(probeId, kindName, periodId, cancellationToken) ?? throw NotStored(probeId, kindName, periodId);
            return new ApiJsonResult<EvidenceDetail>(detail, EvidenceJsonContext.Default.EvidenceDetail);
        });

    /// <summary>One file of a stored pack as a download: its name (netpulse-evidence-{probe}-{period}…) and type.</summary>
    public Task<IResult> DownloadAsync(HttpRequest request, string? probe, string? kind, string? period, string? file, CancellationToken cancellationToken) =>
        ApiRequest.HandleAsync(request, async () =>
        {
            var (probeId, kindName, periodId) = Pack(probe, kind, period);
            if (file is null || !EvidenceStore.Downloads.Contains(file, StringComparer.Ordinal))
            {
                throw new ApiParameterException(File, $"'{ApiRequest.Shorten(file ?? "")}' is no file of a pack: one of {string.Join(", ", EvidenceStore.Downloads)}");
            }

            var download = await _packs.Store.OpenAsync(probeId, kindName, periodId, file, cancellationToken) ?? throw NotStored(probeId, kindName, periodId);
            return new DownloadResult(download);
        });

    /// <summary>Admin: the pack again from what storage holds now (after a late backlog); mails nothing.</summary>
    public Task<IResult> RebuildAsync(HttpRequest request, string? probe, string? kind, string? period, CancellationToken cancellationToken) =>
        ApiRequest.HandleAsync(request, async () =>
        {
            var (probeId, kindName, periodId) = Pack(probe, kind, period);
            try
            {
                await _packs.RebuildAsync(probeId, EvidencePeriod.TryParse(periodId, _packs.Zone)!, cancellationToken);
            }
            catch (EvidencePeriodOutOfRangeException ex)
            {
                throw new ApiParameterException(Period, ex.Message);
            }
            catch (UnknownTargetException ex)
            {
                throw new ApiParameterException(Probe, ex.Message, notFound: true);
            }

            var detail = await _packs.Store.GetDetailAsync(probeId, kindName, periodId, cancellationToken) ?? throw NotStored(probeId, kindName, periodId);
            return new ApiJsonResult<EvidenceDetail>(detail, EvidenceJsonContext.Default.EvidenceDetail);
        });

    private (string ProbeId, string Kind, string Period) Pack(string? probe, string? kind, string? period)
    {
        var probeId = ProbeId(probe);
        var periodKind = EvidenceKinds.TryParse(kind)
            ?? throw new ApiParameterException(Kind, $"'{ApiRequest.Shorten(kind ?? "")}' is no kind of pack: week or month");
        var parsed = EvidencePeriod.TryParse(period, _packs.Zone);
        if (parsed is null || parsed.Kind != periodKind || parsed.Id != period)
        {
            var example = periodKind == EvidencePeriodKind.Week ? "an ISO week such as 2026-W13" : "a month such as 2026-03";
            throw new ApiParameterException(Period, $"'{ApiRequest.Shorten(period ?? "")}' is no {EvidenceKinds.Name(periodKind)}: write {example}");
        }

        return (probeId, EvidenceKinds.Name(periodKind), parsed.Id);
    }

    private static string ProbeId(string? probe) =>
        PingBatchRules.IsValidProbeId(probe)
            ? probe!
            : throw new ApiParameterException(Probe, $"'{ApiRequest.Shorten(probe ?? "")}' is no probe id: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");

    private static ApiParameterException NotStored(string probe, string kind, string period) =>
        new(Period, $"no {kind} pack {period} of probe '{probe}' is stored: GET /api/evidence?probe={probe} lists them", notFound: true);

    private sealed class DownloadResult(EvidenceDownload download) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = download.ContentType;
            httpContext.Response.ContentLength = download.Content.Length;
            // The file name is built from the probe id (letters, digits, '.', '_', '-') and the period: nothing to escape.
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{download.FileName}\"";
            await httpContext.Response.Body.WriteAsync(download.Content, httpContext.RequestAborted);
        }
    }
}

/// <summary>GET /api/evidence: the stored packs, newest period first.</summary>
public sealed record EvidenceList(IReadOnlyList<EvidenceSummary> Packs);

/// <summary>The evidence routes' JSON: camelCase like the rest of the API, UTC times with a Z.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(OffsetTimeJsonConverter)])]
[JsonSerializable(typeof(EvidenceList))]
[JsonSerializable(typeof(EvidenceDetail))]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext;
