using System.Text;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/targets/{id}/paths?from&amp;to (newest first, at most <see cref="MaxListed"/>), /api/targets/{id}/paths/{snapshotId}
/// (?format=mtr for the text of <c>mtr --report -n</c>) and /api/incidents/{id}/paths (the snapshot at the incident's start
/// beside the last baseline before it).
/// </summary>
public sealed class PathsHandler
{
    public const string SnapshotId = "snapshotId";
    public const string Format = "format";
    public const string Mtr = "mtr";
    public const string Json = "json";

    /// <summary>The most snapshots one list serves: a day of a target holds a few (hourly baselines, trouble).</summary>
    public const int MaxListed = 100;

    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(1);

    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    private readonly PathStore _paths;
    private readonly IncidentPaths _incidentPaths;
    private readonly IncidentReader _incidents;
    private readonly ProbeStateStore _probes;
    private readonly TimeProvider _time;

    internal PathsHandler(PathStore paths, IncidentPaths incidentPaths, IncidentReader incidents, ProbeStateStore probes, TimeProvider time)
    {
        _paths = paths;
        _incidentPaths = incidentPaths;
        _incidents = incidents;
        _probes = probes;
        _time = time;
    }

    public Task<IResult> ListAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        // Every parameter's form first, then storage: a bad range is a 400 whether or not the target exists.
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var range = ApiRequest.Range(request, _time.GetUtcNow(), DefaultLength, MaxLength);
        await EnsureTargetAsync(probeId, targetName, id!, cancellationToken);
        var found = await _paths.ListAsync(probeId, targetName, range.From, range.To, MaxListed + 1, cancellationToken);
        var list = new PathList([.. found.Take(MaxListed).Select(PathViews.Of)], found.Count > MaxListed);
        return new ApiJsonResult<PathList>(list, PathJsonContext.Default.PathList);
    });

    public Task<IResult> GetAsync(HttpRequest request, string? id, string? snapshotId, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var format = ApiRequest.Choice(request, Format, Json, Mtr) ?? Json;
        if (!PathIds.TryParse(snapshotId, out var startedAt))
        {
            throw new ApiParameterException(SnapshotId,
                $"'{ApiRequest.Shorten(snapshotId ?? "")}' is no snapshot id: an id is the snapshot's start in UTC, such as 20261206T191702.1230000Z, as /api/targets/{{id}}/paths lists them");
        }

        await EnsureTargetAsync(probeId, targetName, id!, cancellationToken);

        var path = await _paths.GetAsync(probeId, targetName, startedAt, cancellationToken)
            ?? throw new ApiParameterException(SnapshotId, $"target '{ApiRequest.Shorten(id!)}' has no path snapshot '{snapshotId}'", notFound: true);
        return format == Mtr
            ? new TextResult(MtrReport.Format(path.Snapshot, probeId))
            : new ApiJsonResult<PathSnapshotView>(PathViews.Of(path), PathJsonContext.Default.PathSnapshotView);
    });

    public Task<IResult> IncidentAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        if (id is null || !IncidentIds.TryParseStart(id, out _))
        {
            throw new ApiParameterException(ApiRequest.Id, $"'{ApiRequest.Shorten(id ?? "")}' is no incident id, as /api/incidents lists them");
        }

        var incident = await _incidents.GetIncidentAsync(id, cancellationToken)
            ?? throw new ApiParameterException(ApiRequest.Id, $"no incident has the id '{id}'", notFound: true);
        if (IncidentKind.Of(incident.Type).OfProbe)
        {
            throw new ApiParameterException(ApiRequest.Id, $"incident '{id}' is a probe's ({IncidentKind.Of(incident.Type).ApiName}), not a target's: it has no path", notFound: true);
        }

        var pair = await _incidentPaths.ForAsync(incident, cancellationToken);
        return new ApiJsonResult<IncidentPathsView>(PathViews.Of(incident, pair), PathJsonContext.Default.IncidentPathsView);
    });

    private async Task EnsureTargetAsync(string probeId, string targetName, string id, CancellationToken cancellationToken)
    {
        if (!await _probes.TargetExistsAsync(probeId, targetName, cancellationToken))
        {
            throw ApiRequest.UnknownTarget(ApiRequest.Id, id);
        }
    }

    /// <summary>Plain text, UTF-8: the MTR report.</summary>
    private sealed class TextResult(string text) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "text/plain; charset=utf-8";

        public string Text => text;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = ContentType;
            await httpContext.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), httpContext.RequestAborted);
        }
    }
}
