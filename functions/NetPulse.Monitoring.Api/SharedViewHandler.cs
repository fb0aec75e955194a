using System.Globalization;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/shared/{token} and its /series, /incidents and /files/{file}: what a share link shows, to anyone holding it,
/// without sign-in. Every request checks the token again: its signature (constant time, before any read), its expiry,
/// and the stored link (so a revoke ends it at once). A target link reads through the same handlers as the signed-in
/// routes, with the target the token names; no query can point it elsewhere. Refusals say "expired", "revoked" or
/// "unknown" and never what the link pointed at. Logs name the link's id, never the token.
/// </summary>
public sealed class SharedViewHandler
{
    public const string Token = "token";
    public const string File = "file";

    public const string UnknownType = "urn:netpulse:problem:share-link-unknown";
    public const string ExpiredType = "urn:netpulse:problem:share-link-expired";
    public const string RevokedType = "urn:netpulse:problem:share-link-revoked";
    public const string ScopeType = "urn:netpulse:problem:share-link-scope";
    public const string BusyType = "urn:netpulse:problem:share-link-busy";

    private readonly ShareLinkStore _store;
    private readonly ShareLinkTokens _tokens;
    private readonly ShareReadLimiter _limiter;
    private readonly TargetViews _views;
    private readonly TargetsHandler _targets;
    private readonly IncidentsHandler _incidents;
    private readonly ProbeStateStore _probes;
    private readonly ISharedPackSource _packs;
    private readonly TimeProvider _time;
    private readonly ILogger<SharedViewHandler> _logger;

    internal SharedViewHandler(
        ShareLinkStore store, ShareLinkTokens tokens, ShareReadLimiter limiter, TargetViews views, TargetsHandler targets, IncidentsHandler incidents,
        ProbeStateStore probes, ISharedPackSource packs, TimeProvider time, ILogger<SharedViewHandler> logger)
    {
        _store = store;
        _tokens = tokens;
        _limiter = limiter;
        _views = views;
        _targets = targets;
        _incidents = incidents;
        _probes = probes;
        _packs = packs;
        _time = time;
        _logger = logger;
    }

    /// <summary>GET /api/shared/{token}: what the link shows (a target with its live figures, or a pack and its files) and for how long.</summary>
    public Task<IResult> ViewAsync(HttpRequest request, string? token, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var grant = Read(token);
        var (refusal, link) = await AdmitAsync(token!, grant, scope: null, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var probe = await _probes.ReadProbeRowAsync(link!.ProbeId, cancellationToken);
        var site = ProbeStatusJson.FromJson(probe?.Status)?.Site;
        TargetView? target = null;
        if (link.Scope == ShareScope.Target)
        {
            target = (await _views.GetAsync(link.ProbeId, link.Item, cancellationToken))?.View;
            if (target is null)
            {
                return ShareLinksHandler.Problem(ApiProblems.NotFoundType, "Not found", StatusCodes.Status404NotFound,
                    "the target this link shows is no longer known here", Token);
            }
        }

        return new ApiJsonResult<SharedView>(
            new SharedView(link.Scope == ShareScope.Target ? "target" : "pack", link.ProbeId, site, link.DataFrom, link.ExpiresAt, target, ShareLinksHandler.PackView(link)),
            ApiJsonContext.Default.SharedView);
    });

    /// <summary>GET /api/shared/{token}/series?from&amp;to: the target's series, as GET /api/targets/{id}/series answers it.</summary>
    public Task<IResult> SeriesAsync(HttpRequest request, string? token, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var grant = Read(token);
        // The parameters are checked before the link, as everywhere: a bad one is the caller's to fix whatever the link.
        var range = ApiRequest.Range(request, _time.GetUtcNow(), TargetsHandler.DefaultSeriesLength, TargetsHandler.MaxSeriesLength);
        var (refusal, link) = await AdmitAsync(token!, grant, ShareScope.Target, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        CheckFrom(range.From, link!);
        return await _targets.SeriesAsync(request, grant.TargetId, cancellationToken);
    });

    /// <summary>GET /api/shared/{token}/incidents?from&amp;to: the target's incidents, without who acknowledged them (names of staff stay inside).</summary>
    public Task<IResult> IncidentsAsync(HttpRequest request, string? token, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var grant = Read(token);
        var range = ApiRequest.Range(request, _time.GetUtcNow(), IncidentsHandler.DefaultLength, IncidentsHandler.MaxLength);
        var (refusal, link) = await AdmitAsync(token!, grant, ShareScope.Target, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (ApiRequest.Query(request, ApiRequest.Target) is { } other && other != grant.TargetId)
        {
            _logger.LogInformation("Share link {ShareId} asked for another target's incidents: refused", grant.Id);
            return ShareLinksHandler.Problem(ScopeType, "Outside the share link", StatusCodes.Status403Forbidden,
                "this link shows one target; leave out 'target'", ApiRequest.Target);
        }

        CheckFrom(range.From, link!);
        var answer = await _incidents.ListAsync(request, grant.TargetId, cancellationToken);
        return answer is ApiJsonResult<IncidentList> { StatusCode: StatusCodes.Status200OK } list
            ? new ApiJsonResult<IncidentList>(new IncidentList([.. list.Value.Incidents.Select(i => i with { Acknowledgement = null })]), ApiJsonContext.Default.IncidentList)
            : answer;
    });

    /// <summary>GET /api/shared/{token}/files/{file}: a file of the shared evidence pack (pack.pdf or one of its CSV tables).</summary>
    public Task<IResult> FileAsync(HttpRequest request, string? token, string? file, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var grant = Read(token);
        if (file is null || !SharePack.Files.Contains(file, StringComparer.Ordinal))
        {
            throw new ApiParameterException(File, $"'{ApiRequest.Shorten(file ?? "")}' is no file of a pack: {string.Join(", ", SharePack.Files)}");
        }

        var (refusal, link) = await AdmitAsync(token!, grant, ShareScope.Pack, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SharePack.TryParse(link!.Item, out var kind, out var period))
        {
            return Unknown();
        }

        var opened = await _packs.OpenAsync(link.ProbeId, kind, period, file, cancellationToken);
        if (opened is null)
        {
            return ShareLinksHandler.Problem(ApiProblems.NotFoundType, "Not found", StatusCodes.Status404NotFound, "no such pack: it has not been built, or was deleted", File);
        }

        return Results.Stream(opened.Content, opened.ContentType, opened.FileName);
    });

    private static ShareGrant Read(string? token) =>
        ShareLinkTokens.TryRead(token, out var grant, out var problem) ? grant : throw new ApiParameterException(Token, problem);

    /// <summary>The link when the token is genuine, in time, not revoked, of <paramref name="scope"/> and within its reads; otherwise the answer instead.</summary>
    private async Task<(IResult? Refusal, ShareLink? Link)> AdmitAsync(string token, ShareGrant grant, ShareScope? scope, CancellationToken cancellationToken)
    {
        switch (_tokens.Check(token, grant))
        {
            case ShareTokenState.Valid:
                break;
            case ShareTokenState.Expired:
                _logger.LogInformation("Share link {ShareId} refused: expired", grant.Id);
                return (Gone(ExpiredType, "Share link expired", string.Create(CultureInfo.InvariantCulture,
                    $"this share link expired at {UtcTimeJsonConverter.Text(grant.ExpiresAt)}; ask whoever sent it for a new one")), null);
            case ShareTokenState.Forged:
            case ShareTokenState.Disabled:
                _logger.LogInformation("Share link {ShareId} refused: not signed with this server's key", grant.Id);
                return (Unknown(), null);
        }

        // Only a genuine token counts against its link's reads: a stranger cannot use up someone else's.
        if (!_limiter.TryRead(grant.Id))
        {
            _logger.LogWarning("Share link {ShareId} refused: over its reads this minute", grant.Id);
            return (new RetryAfterResult(ShareLinksHandler.Problem(BusyType, "Too many reads", StatusCodes.Status429TooManyRequests,
                "this share link was read too often this minute; try again in a minute", Token)), null);
        }

        var link = await _store.FindAsync(grant.Id, cancellationToken);
        if (link is null || link.Scope != grant.Scope || link.ProbeId != grant.ProbeId || link.Item != grant.Item || link.ExpiresAt != grant.ExpiresAt)
        {
            _logger.LogInformation("Share link {ShareId} refused: no such link stored", grant.Id);
            return (Unknown(), null);
        }

        if (link.RevokedAt is not null)
        {
            _logger.LogInformation("Share link {ShareId} refused: revoked", grant.Id);
            return (Gone(RevokedType, "Share link revoked", "this share link was revoked; ask whoever sent it for a new one"), null);
        }

        if (scope is { } wanted && wanted != link.Scope)
        {
            return (ShareLinksHandler.Problem(ScopeType, "Outside the share link", StatusCodes.Status404NotFound,
                link.Scope == ShareScope.Target ? "this link shows a target, not an evidence pack" : "this link shows an evidence pack, not a target", Token), null);
        }

        _logger.LogDebug("Share link {ShareId} read", grant.Id);
        return (null, link);
    }

    private static void CheckFrom(DateTimeOffset from, ShareLink link)
    {
        if (from < link.DataFrom)
        {
            throw new ApiParameterException(ApiRequest.From, $"this link shows data from {UtcTimeJsonConverter.Text(link.DataFrom)} on; ask from then or later");
        }
    }

    private static ApiJsonResult<ApiProblem> Unknown() => ShareLinksHandler.Problem(UnknownType, "No such share link", StatusCodes.Status404NotFound,
        "this share link is not known here: it was mistyped, cut short, or never made here", Token);

    private static ApiJsonResult<ApiProblem> Gone(string type, string title, string detail) =>
        ShareLinksHandler.Problem(type, title, StatusCodes.Status410Gone, detail, Token);
}

/// <summary>GET /api/shared/{token}: what a share link shows, and the range it shows (from <see cref="DataFrom"/> until it expires).</summary>
public sealed record SharedView(string Scope, string ProbeId, string? Site, DateTimeOffset DataFrom, DateTimeOffset ExpiresAt, TargetView? Target, SharePackView? Pack);
