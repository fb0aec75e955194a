using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.AspNetCore.Http;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// POST /api/shares (make a read-only link to one target or one evidence pack), GET /api/shares (the links, without
/// their tokens) and DELETE /api/shares/{id} (revoke): the Admin role's routes. The token is answered once, when the
/// link is made; nothing stored can give it back.
/// </summary>
public sealed partial class ShareLinksHandler
{
    public const string Scope = "scope";
    public const string Probe = "probe";
    public const string Kind = "kind";
    public const string Period = "period";
    public const string ExpiresIn = "expiresIn";
    public const string Note = "note";

    public const int MaxNoteLength = 200;

    /// <summary>How long a link that ended stays in the list before a later POST deletes its row.</summary>
    public static readonly TimeSpan KeepEnded = TimeSpan.FromDays(30);

    public const string DisabledType = "urn:netpulse:problem:share-links-disabled";
    public const string LimitType = "urn:netpulse:problem:share-link-limit";

    private const string Example = "{\"scope\":\"target\",\"target\":\"home-1~Z3c\",\"expiresIn\":\"P7D\",\"note\":\"ticket 4711\"}";

    private readonly ShareLinkStore _store;
    private readonly ShareLinkTokens _tokens;
    private readonly ProbeStateStore _probes;
    private readonly ShareLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ShareLinksHandler> _logger;

    internal ShareLinksHandler(
        ShareLinkStore store, ShareLinkTokens tokens, ProbeStateStore probes, IOptions<ShareLinkOptions> options, TimeProvider time, ILogger<ShareLinksHandler> logger)
    {
        _store = store;
        _tokens = tokens;
        _probes = probes;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_tokens.Enabled)
        {
            return Problem(DisabledType, "Share links are not enabled", StatusCodes.Status409Conflict,
                "share links are signed with NetPulse:Alerts:AcknowledgeKey, which is not set here; set it (at least 32 characters, a Key Vault reference in Azure) to make them", null);
        }

        var body = await ApiBody.ReadAsync(request, ApiJsonContext.Default.ShareLinkRequest, 4096, Example, cancellationToken);
        var now = _time.GetUtcNow();
        var (scope, probeId, item) = await SubjectAsync(body, cancellationToken);
        var lifetime = Lifetime(body.ExpiresIn);
        var dataFrom = DataFrom(body.From, scope, now);
        var note = body.Note?.Trim();
        if (note is { Length: > MaxNoteLength })
        {
            throw new ApiParameterException(Note, $"the note is {note.Length} characters; at most {MaxNoteLength}");
        }

        var existing = await _store.ListAsync(cancellationToken);
        var active = existing.Count(l => State(l, now) == "active");
        if (active >= _options.MaxActiveLinks)
        {
            return Problem(LimitType, "Too many share links", StatusCodes.Status409Conflict,
                $"{active} share links are active, the most {ShareLinkOptions.Section}:MaxActiveLinks allows; revoke some (DELETE /api/shares/{{id}}) first", null);
        }

        await _store.DeleteEndedAsync(existing, now - KeepEnded, cancellationToken);
        var link = new ShareLink
        {
            Id = ShareLinkTokens.NewId(),
            Scope = scope,
            ProbeId = probeId,
            Item = item,
            DataFrom = dataFrom,
            CreatedAt = now,
            CreatedBy = ApiCaller.Name(request),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds()),
            Note = string.IsNullOrEmpty(note) ? null : note,
        };
        await _store.AddAsync(link, cancellationToken);
        _logger.LogInformation("Share link {ShareId} made by {By}: {Scope} of probe {ProbeId}, until {ExpiresAt:o}", link.Id, link.CreatedBy, link.Scope, link.ProbeId, link.ExpiresAt);
        return new ApiJsonResult<ShareLinkView>(View(link, now, _tokens.Issue(link)), ApiJsonContext.Default.ShareLinkView, StatusCodes.Status201Created);
    });

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var now = _time.GetUtcNow();
        var links = await _store.ListAsync(cancellationToken);
        return new ApiJsonResult<ShareLinkList>(new ShareLinkList([.. links.Select(l => View(l, now, token: null))]), ApiJsonContext.Default.ShareLinkList);
    });

    public Task<IResult> RevokeAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ShareLinkTokens.IsLinkId(id))
        {
            throw new ApiParameterException(ApiRequest.Id, $"'{ApiRequest.Shorten(id ?? "")}' is no share link id: GET /api/shares lists them");
        }

        var now = _time.GetUtcNow();
        var link = await _store.RevokeAsync(id!, ApiCaller.Name(request), now, cancellationToken)
            ?? throw new ApiParameterException(ApiRequest.Id, $"no share link '{id}': GET /api/shares lists them", notFound: true);
        _logger.LogInformation("Share link {ShareId} revoked by {By}", link.Id, link.RevokedBy);
        return new ApiJsonResult<ShareLinkView>(View(link, now, token: null), ApiJsonContext.Default.ShareLinkView);
    });

    /// <summary>active, expired or revoked.</summary>
    public static string State(ShareLink link, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.RevokedAt is not null ? "revoked" : now >= link.ExpiresAt ? "expired" : "active";
    }

    internal static ShareLinkView View(ShareLink link, DateTimeOffset now, string? token) => new(
        link.Id,
        link.Scope == ShareScope.Target ? "target" : "pack",
        link.ProbeId,
        link.Scope == ShareScope.Target ? TargetIds.Format(link.ProbeId, link.Item) : null,
        link.Scope == ShareScope.Target ? link.Item : null,
        PackView(link),
        link.DataFrom,
        link.CreatedAt,
        link.CreatedBy,
        link.ExpiresAt,
        link.Note,
        link.RevokedAt,
        link.RevokedBy,
        State(link, now),
        token);

    internal static SharePackView? PackView(ShareLink link) =>
        link.Scope == ShareScope.Pack && SharePack.TryParse(link.Item, out var kind, out var period) ? new SharePackView(kind, period, SharePack.Files) : null;

    private async Task<(ShareScope Scope, string ProbeId, string Item)> SubjectAsync(ShareLinkRequest body, CancellationToken cancellationToken)
    {
        switch (body.Scope)
        {
            case "target":
                var (probeId, targetName) = ApiRequest.TargetId(body.Target, ApiRequest.Target);
                if (!await _probes.TargetExistsAsync(probeId, targetName, cancellationToken))
                {
                    throw ApiRequest.UnknownTarget(ApiRequest.Target, body.Target!);
                }

                return (ShareScope.Target, probeId, targetName);
            case "pack":
                if (!PingBatchRules.IsValidProbeId(body.Probe))
                {
                    throw new ApiParameterException(Probe, $"'{ApiRequest.Shorten(body.Probe ?? "")}' is no probe id: a pack is a probe's, e.g. \"probe\":\"home-1\"");
                }

                if (!SharePack.Kinds.Contains(body.Kind ?? ""))
                {
                    throw new ApiParameterException(Kind, SharePack.Problem(body.Kind ?? "", "")!);
                }

                if (SharePack.Problem(body.Kind!, body.Period ?? "") is { } problem)
                {
                    throw new ApiParameterException(Period, problem);
                }

                return (ShareScope.Pack, body.Probe!, SharePack.Item(body.Kind!, body.Period!));
            default:
                throw new ApiParameterException(Scope, $"'scope' must be target (one target's page) or pack (one evidence pack); '{ApiRequest.Shorten(body.Scope ?? "")}' is not");
        }
    }

    private TimeSpan Lifetime(string? expiresIn)
    {
        if (string.IsNullOrEmpty(expiresIn))
        {
            return _options.DefaultLifetime;
        }

        TimeSpan lifetime;
        try
        {
            lifetime = XmlConvert.ToTimeSpan(expiresIn);
        }
        catch (FormatException)
        {
            throw new ApiParameterException(ExpiresIn, $"'expiresIn' is an ISO-8601 duration such as P7D or PT12H; '{ApiRequest.Shorten(expiresIn)}' is not");
        }
        catch (OverflowException)
        {
            throw new ApiParameterException(ExpiresIn, $"'expiresIn' {ApiRequest.Shorten(expiresIn)} is far too long");
        }

        return lifetime >= TimeSpan.FromHours(1) && lifetime <= _options.MaxLifetime
            ? lifetime
            : throw new ApiParameterException(ExpiresIn, string.Create(CultureInfo.InvariantCulture,
                $"'expiresIn' is {lifetime}; a link works between an hour and {_options.MaxLifetime.TotalDays:0.##} days ({ShareLinkOptions.Section}:MaxLifetime)"));
    }

    private DateTimeOffset DataFrom(string? from, ShareScope scope, DateTimeOffset now)
    {
        if (from is null)
        {
            // A pack covers its own period; for it the bound means nothing.
            return scope == ShareScope.Pack ? now : now - _options.DefaultHistory;
        }

        if (!IsoTime().IsMatch(from) || !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            throw new ApiParameterException(ApiRequest.From, $"'from' must be an ISO-8601 time with Z or an offset, such as 2026-11-27T05:00:00Z; '{ApiRequest.Shorten(from)}' is not");
        }

        time = time.ToUniversalTime();
        return time <= now && now - time <= TargetsHandler.MaxSeriesLength
            ? time
            : throw new ApiParameterException(ApiRequest.From, string.Create(CultureInfo.InvariantCulture,
                $"'from' ({UtcTimeJsonConverter.Text(time)}) must be in the past, at most {TargetsHandler.MaxSeriesLength.TotalDays:0} days ago"));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();

    internal static ApiJsonResult<ApiProblem> Problem(string type, string title, int status, string detail, string? parameter) =>
        new(new ApiProblem(type, title, status, detail, parameter), ApiJsonContext.Default.ApiProblem, status, ApiProblems.ContentType);
}

/// <summary>The body of POST /api/shares: a target (scope target, target id) or a pack (scope pack, probe, kind, period).</summary>
public sealed record ShareLinkRequest(string? Scope, string? Target, string? Probe, string? Kind, string? Period, string? ExpiresIn, string? From, string? Note);

/// <summary>An evidence pack a link shows, and the files it serves.</summary>
public sealed record SharePackView(string Kind, string Period, IReadOnlyList<string> Files);

/// <summary>A share link as the Admin sees it; <see cref="Token"/> only in the answer to the POST that made it.</summary>
public sealed record ShareLinkView(
    string Id,
    string Scope,
    string ProbeId,
    string? TargetId,
    string? TargetName,
    SharePackView? Pack,
    DateTimeOffset DataFrom,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset ExpiresAt,
    string? Note,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    string State,
    string? Token);

/// <summary>GET /api/shares.</summary>
public sealed record ShareLinkList(IReadOnlyList<ShareLinkView> Shares);
