using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// The targets a probe runs when they are managed centrally (issue 16), distinct from <see cref="TargetsHandler"/>'s
/// targets as seen in batches. Admin: GET/POST /api/probes/{probe}/targets, PUT/DELETE …/targets/{targetId} (If-Match),
/// POST …/targets/import, GET …/targets/export. The probe, by its signed request: GET /api/probes/{probe}/target-list
/// (ETag, If-None-Match) and PUT …/target-list (its first import). Every list is checked with <see cref="TargetListRules"/>
/// and nothing else, so the API, the probe's file and the fetched list agree.
/// </summary>
/// <remarks>
/// A target is disabled with PUT and "enabled": false (it stays in the list, not pinged). PUT may rename a target: its id
/// changes with its name, and the samples stored under the old name stay there.
/// </remarks>
public sealed class ManagedTargetsHandler
{
    public const string Probe = "probe";
    public const string TargetId = "targetId";
    public const string Mode = "mode";
    public const string Format = "format";
    public const string Body = "body";
    public const string IfMatch = "If-Match";

    public const string InvalidTargetsType = "urn:netpulse:problem:invalid-targets";
    public const string TargetNameTakenType = "urn:netpulse:problem:target-name-taken";
    public const string IfMatchRequiredType = "urn:netpulse:problem:if-match-required";
    public const string StaleTargetType = "urn:netpulse:problem:stale-target";
    public const string ProbeSignatureType = "urn:netpulse:problem:probe-signature";
    public const string NoManagedTargetsType = "urn:netpulse:problem:no-managed-targets";
    public const string ManagedAlreadyType = "urn:netpulse:problem:targets-managed-already";
    public const string UnsupportedMediaType = "urn:netpulse:problem:unsupported-media-type";

    /// <summary>One target's JSON is a few hundred bytes.</summary>
    internal const int MaxTargetBodyBytes = 16 * 1024;

    /// <summary>An import or a probe's list: room for <see cref="TargetListRules.MaxTargets"/> targets of some 200 bytes.</summary>
    internal const int MaxImportBytes = 2 * 1024 * 1024;

    private const string TargetExample = "{\"name\":\"gateway\",\"host\":\"192.168.1.1\",\"intervalMs\":1000}";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ManagedTargetStore _store;
    private readonly ProbeRegistry _registry;
    private readonly TimeProvider _time;

    internal ManagedTargetsHandler(ManagedTargetStore store, ProbeRegistry registry, TimeProvider time)
    {
        _store = store;
        _registry = registry;
        _time = time;
    }

    public Task<IResult> ListAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var list = await _store.GetAsync(probeId, cancellationToken);
        return new ApiJsonResult<ManagedTargetListView>(
            new ManagedTargetListView(probeId, list is not null, list?.Version, _store.MaxTargets, [.. (list?.Targets ?? []).Select(t => View(probeId, t))]),
            ApiJsonContext.Default.ManagedTargetListView);
    });

    public Task<IResult> CreateAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var (target, invalid) = await ReadTargetAsync(request, cancellationToken);
        if (target is null)
        {
            return invalid!;
        }

        var change = await _store.AddAsync(probeId, target, cancellationToken);
        return Changed(request, probeId, change, target, StatusCodes.Status201Created);
    });

    public Task<IResult> UpdateAsync(HttpRequest request, string? probe, string? targetId, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = TargetName(ProbeIdOf(probe), targetId);
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            return Problem(StatusCodes.Status428PreconditionRequired, IfMatchRequiredType, "If-Match required", IfMatch,
                "a change of a target must say which version it changes: send If-Match with the target's etag from GET /api/probes/{probe}/targets");
        }

        var (target, invalid) = await ReadTargetAsync(request, cancellationToken);
        if (target is null)
        {
            return invalid!;
        }

        var change = await _store.ReplaceAsync(probeId, name, ifMatch, target, cancellationToken);
        return Changed(request, probeId, change, target, StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteAsync(HttpRequest request, string? probe, string? targetId, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = TargetName(ProbeIdOf(probe), targetId);
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        var change = await _store.DeleteAsync(probeId, name, ifMatch.Length == 0 ? null : ifMatch, cancellationToken);
        return change.Outcome == ManagedTargetOutcome.Done
            ? new ApiBytesResult(StatusCodes.Status204NoContent, [], null)
            : Changed(request, probeId, change, null, StatusCodes.Status204NoContent);
    });

    public Task<IResult> ImportAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ProbeIdOf(probe);
        var mode = ApiRequest.Choice(request, Mode, "merge", "replace") == "replace" ? ManagedTargetImportMode.Replace : ManagedTargetImportMode.Merge;
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var csv = mediaType == "text/csv";
        if (!csv && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaType, "Unsupported media type", "Content-Type",
                $"an import is text/csv or application/json; '{ApiRequest.Shorten(mediaType)}' is neither");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        ImportedTargets file;
        if (csv)
        {
            string text;
            try
            {
                text = StrictUtf8.GetString(body.Span);
            }
            catch (DecoderFallbackException)
            {
                throw new ApiParameterException(Body, "the CSV is not UTF-8 text (save it as \"CSV UTF-8\")");
            }

            file = ManagedTargetFiles.FromCsv(text);
        }
        else
        {
            file = ManagedTargetFiles.FromJson(body, Body);
        }

        return await ImportFileAsync(probeId, file, mode, firstOnly: false, cancellationToken) switch
        {
            (null, { } refusal) => refusal,
            ({ } change, _) => new ApiJsonResult<ManagedTargetImportView>(
                new ManagedTargetImportView(probeId, mode == ManagedTargetImportMode.Replace ? "replace" : "merge", change.Counts!.Added, change.Counts.Changed,
                    change.Counts.Removed, change.Counts.Unchanged, change.List!.Version, change.List.Targets.Count),
                ApiJsonContext.Default.ManagedTargetImportView),
            _ => throw new InvalidOperationException("an import has an outcome"),
        };
    });

    public Task<IResult> ExportAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ProbeIdOf(probe);
        var csv = ApiRequest.Choice(request, Format, "json", "csv") == "csv";
        var probeId = await KnownProbeAsync(probe, cancellationToken);
        var list = await _store.GetAsync(probeId, cancellationToken);
        var targets = list?.Targets.Select(t => t.Target).ToList() ?? [];
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"netpulse-targets-{probeId}.{(csv ? "csv" : "json")}\"";
        return csv
            ? new ApiBytesResult(StatusCodes.Status200OK, Encoding.UTF8.GetBytes(ManagedTargetFiles.ToCsv(targets)), "text/csv; charset=utf-8")
            : new ApiBytesResult(StatusCodes.Status200OK, new ManagedTargetList { ProbeId = probeId, Version = list?.Version ?? "", Targets = targets }.ToJson(), "application/json; charset=utf-8");
    });

    /// <summary>
    /// The probe's fetch: its list with ETag = version, 304 when If-None-Match names it, 404 when the probe keeps its own
    /// file; each with <see cref="ManagedTargetList.SignalHeader"/>, the read-only URL of its signal blob. The key and the version come from this instance's caches (<see cref="ProbeRegistry.GetCachedAsync"/>,
    /// <see cref="ManagedTargetStore.CachedVersionAsync"/>), so the every-minute 304 reads nothing; a change through this
    /// instance shows at once, one through another within <see cref="ProbesOptions.TargetListCacheDuration"/>.
    /// </summary>
    public Task<IResult> ProbeListAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, refusal) = await SignedProbeAsync(request, probe, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var headers = request.HttpContext.Response.Headers;
        headers.Date = _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);

        // Every answer to a signed fetch (404 too: a first target must reach a probe that has none) renews the probe's
        // read access to its signal blob, which it reads each refresh instead of calling this function.
        headers[ManagedTargetList.SignalHeader] = (await _store.SignalReadAccessAsync(probeId, cancellationToken)).AbsoluteUri;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var version = await _store.CachedVersionAsync(probeId, cancellationToken);
        if (version is not null && NoneMatch(ifNoneMatch, version))
        {
            return NotModified(headers, version);
        }

        // The cached version may be older than the probe's (changed through another instance): the full read decides.
        var list = version is null ? null : await _store.GetAsync(probeId, cancellationToken);
        if (list is null)
        {
            return Problem(StatusCodes.Status404NotFound, NoManagedTargetsType, "No managed targets", Probe,
                $"probe '{probeId}' has no managed targets: it keeps running its own targets file (an Admin adds targets in the dashboard, or the probe moves itself with 'netpulse-probe import-targets')");
        }

        if (NoneMatch(ifNoneMatch, list.Version))
        {
            return NotModified(headers, list.Version);
        }

        headers.ETag = Quoted(list.Version);
        return new ApiBytesResult(StatusCodes.Status200OK, list.ToList().ToJson(), "application/json; charset=utf-8");
    });

    /// <summary>The probe's one-step move to central management ('netpulse-probe import-targets'): accepted only while it has no managed list.</summary>
    public Task<IResult> ProbeImportAsync(HttpRequest request, string? probe, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        // The body first: the signature covers its hash.
        var body = await ReadBodyAsync(request, cancellationToken);
        var (probeId, refusal) = await SignedProbeAsync(request, probe, cancellationToken, body);
        if (refusal is not null)
        {
            return refusal;
        }

        var file = ManagedTargetFiles.FromJson(body, Body);
        if (file.ProbeId is { } named && named != probeId)
        {
            throw new ApiParameterException("probeId", $"the list is probe '{ApiRequest.Shorten(named)}''s, not '{probeId}''s");
        }

        var (change, invalid) = await ImportFileAsync(probeId, file, ManagedTargetImportMode.Replace, firstOnly: true, cancellationToken);
        if (change is null)
        {
            return invalid!;
        }

        if (change.Outcome == ManagedTargetOutcome.AlreadyManaged)
        {
            return Problem(StatusCodes.Status409Conflict, ManagedAlreadyType, "Targets are managed centrally already", Probe,
                $"probe '{probeId}''s targets are managed centrally already (version {change.List?.Version}); change them in the dashboard or with the Admin API (POST /api/probes/{probeId}/targets/import)");
        }

        request.HttpContext.Response.Headers.ETag = Quoted(change.List!.Version);
        return new ApiBytesResult(StatusCodes.Status201Created, change.List.ToList().ToJson(), "application/json; charset=utf-8");
    });

    /// <summary>The id of an API target view: <see cref="TargetIds"/>, so any name goes into a URL safely.</summary>
    internal static ManagedTargetView View(string probeId, StoredManagedTarget stored)
    {
        var t = stored.Target;
        return new ManagedTargetView(
            TargetIds.Format(probeId, t.Name), stored.ETag, t.Name, t.Host, t.Category, t.Description, t.Uplink, t.IntervalMs,
            t.LatencyThresholdMs, t.LossThresholdPercent, t.Enabled, t.TimeoutMs);
    }

    /// <summary>Whether If-None-Match names <paramref name="version"/> (quoted or not, weak or not) or is "*".</summary>
    internal static bool NoneMatch(string header, string version) =>
        header.Split(',').Select(v => v.Trim()).Any(v => v == "*" || Unquoted(v) == version);

    private static string Quoted(string version) => "\"" + version + "\"";

    private static ApiBytesResult NotModified(IHeaderDictionary headers, string version)
    {
        headers.ETag = Quoted(version);
        return new ApiBytesResult(StatusCodes.Status304NotModified, [], null);
    }

    private static string Unquoted(string tag)
    {
        var value = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }

    private async Task<(ManagedTargetChange? Change, IResult? Refusal)> ImportFileAsync(
        string probeId, ImportedTargets file, ManagedTargetImportMode mode, bool firstOnly, CancellationToken cancellationToken)
    {
        var problems = file.Problems.Concat(file.InRows(TargetListRules.Problems(file.Targets, _store.MaxTargets))).ToList();
        if (problems.Count == 0)
        {
            var change = await _store.ImportAsync(probeId, file.Targets, mode, firstOnly, cancellationToken);
            if (change.Outcome != ManagedTargetOutcome.Invalid)
            {
                return (change, null);
            }

            problems = [.. file.InRows(change.Problems ?? [])];
        }

        problems = [.. problems.OrderBy(p => p.Row ?? 0)];
        var first = problems[0];
        return (null, Invalid(
            first.Field,
            $"the import has {problems.Count} problem{(problems.Count == 1 ? "" : "s")} and nothing was written; the first: "
            + (first.Row is { } row ? $"row {row}, " : "") + $"{first.Field} {first.Problem}",
            problems.Select(p => (p.Field, (p.Row is { } r ? $"row {r}: " : "") + p.Problem)),
            problems));
    }

    private static IResult Changed(HttpRequest request, string probeId, ManagedTargetChange change, ManagedTarget? target, int status)
    {
        // Every outcome has its arm and none a default, so a new outcome is a build error here (CS8509), not a 500.
        return change.Outcome switch
        {
            ManagedTargetOutcome.Done => Stored(request, probeId, change.Target ?? throw new InvalidOperationException("a done change carries the stored target"), status),
            ManagedTargetOutcome.NotFound =>
                throw new ApiParameterException(TargetId, $"probe '{probeId}' has no managed target of that name: GET /api/probes/{probeId}/targets lists them", notFound: true),
            ManagedTargetOutcome.Stale => Problem(StatusCodes.Status412PreconditionFailed, StaleTargetType, "The target changed", IfMatch,
                "the target changed since it was read (its etag is not the If-Match sent); read it again (GET /api/probes/{probe}/targets) and apply the change to what is there now"),
            ManagedTargetOutcome.NameTaken => Problem(StatusCodes.Status409Conflict, TargetNameTakenType, "The name is taken", ManagedTargetFiles.Name,
                $"probe '{probeId}' has a target named '{ApiRequest.Shorten(target?.Name ?? "")}' already (names are unique, ignoring case); change that one or pick another name"),
            ManagedTargetOutcome.Invalid => Invalid(change.Problems ?? []),
            ManagedTargetOutcome.AlreadyManaged => throw new InvalidOperationException("only a first import ends AlreadyManaged, and it is answered where it is made"),
        };
    }

    private static ApiJsonResult<ManagedTargetView> Stored(HttpRequest request, string probeId, StoredManagedTarget stored, int status)
    {
        request.HttpContext.Response.Headers.ETag = stored.ETag;
        return new ApiJsonResult<ManagedTargetView>(View(probeId, stored), ApiJsonContext.Default.ManagedTargetView, status);
    }

    private static ApiJsonResult<ManagedTargetProblem> Invalid(IReadOnlyList<TargetProblem> problems) =>
        Invalid(problems[0].Field, string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}")), problems.Select(p => (p.Field, p.Problem)), null);

    /// <summary>The body as a target, or the 400 naming each field at fault.</summary>
    private static async Task<(ManagedTarget? Target, IResult? Invalid)> ReadTargetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ManagedTargetRequest body;
        try
        {
            body = await ApiBody.ReadAsync(request, ApiJsonContext.Default.ManagedTargetRequest, MaxTargetBodyBytes, TargetExample, cancellationToken);
        }
        catch (ApiParameterException ex)
        {
            return (null, Invalid(ex.Parameter, ex.Message, [(ex.Parameter, ex.Message)], null));
        }

        var target = new ManagedTarget
        {
            Name = body.Name ?? "",
            Host = body.Host ?? "",
            Category = string.IsNullOrEmpty(body.Category) ? null : body.Category,
            Description = string.IsNullOrEmpty(body.Description) ? null : body.Description,
            Uplink = body.Uplink ?? false,
            IntervalMs = body.IntervalMs ?? TargetSettings.MaxIntervalMs,
            LatencyThresholdMs = body.LatencyThresholdMs,
            LossThresholdPercent = body.LossThresholdPercent,
            Enabled = body.Enabled ?? true,
            TimeoutMs = body.TimeoutMs,
        };
        var problems = TargetListRules.TargetProblems(target).Select(p => (p.Field, p.Problem)).ToList();
        if (body.IntervalMs is null)
        {
            // The stand-in interval above only lets the other rules run; a missing interval is a problem of its own.
            problems.RemoveAll(p => p.Field is ManagedTargetFiles.IntervalMs or "timeoutMs");
            problems.Insert(0, (ManagedTargetFiles.IntervalMs, $"is missing; give the milliseconds between rounds ({TargetSettings.MinIntervalMs}-{TargetSettings.MaxIntervalMs})"));
        }

        return problems.Count == 0
            ? (target, null)
            : (null, Invalid(problems[0].Field, string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}")), problems, null));
    }

    /// <summary>
    /// 400 with the problem+json extension "errors" (camelCase field → its problems), and for an import "rows" (row,
    /// field, problem), so a form shows each next to its field and an import report lists each row.
    /// </summary>
    private static ApiJsonResult<ManagedTargetProblem> Invalid(string parameter, string detail, IEnumerable<(string Field, string Problem)> problems, IReadOnlyList<ImportRowProblem>? rows)
    {
        var errors = problems.GroupBy(p => p.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Problem)], StringComparer.Ordinal);
        return new ApiJsonResult<ManagedTargetProblem>(
            new ManagedTargetProblem(rows is null ? ApiProblems.BadParameterType : InvalidTargetsType, rows is null ? "A target is not valid" : "The import is not valid",
                StatusCodes.Status400BadRequest, detail, parameter, errors, rows),
            ApiJsonContext.Default.ManagedTargetProblem, StatusCodes.Status400BadRequest, ApiProblems.ContentType);
    }

    private static ApiJsonResult<ApiProblem> Problem(int status, string type, string title, string? parameter, string detail) =>
        new(new ApiProblem(type, title, status, detail, parameter), ApiJsonContext.Default.ApiProblem, status, ApiProblems.ContentType);

    private static string TargetName(string probeId, string? targetId)
    {
        var (targetProbe, name) = ApiRequest.TargetId(targetId, TargetId);
        return targetProbe == probeId
            ? name
            : throw new ApiParameterException(TargetId, $"target id '{ApiRequest.Shorten(targetId!)}' is of probe '{targetProbe}', not '{probeId}'");
    }

    /// <summary>The route's probe id when well formed (400 otherwise): every parameter's form is checked before storage is asked.</summary>
    private static string ProbeIdOf(string? probe) =>
        PingBatchRules.IsValidProbeId(probe) ? probe! : throw new ApiParameterException(Probe, $"'{ApiRequest.Shorten(probe ?? "")}' is no probe id");

    /// <summary>The probe id of the route when it is registered (revoked or not): 400 when malformed, 404 when unknown.</summary>
    private async Task<string> KnownProbeAsync(string? probe, CancellationToken cancellationToken)
    {
        ProbeIdOf(probe);
        return await _registry.GetAsync(probe!, cancellationToken) is null
            ? throw new ApiParameterException(Probe, $"no probe '{probe}' is registered: GET /api/probes lists them", notFound: true)
            : probe!;
    }

    /// <summary>The route's probe when the request is signed by its registered, unrevoked key; otherwise the 401 (or 404) that says why.</summary>
    private async Task<(string ProbeId, IResult? Refusal)> SignedProbeAsync(
        HttpRequest request, string? probe, CancellationToken cancellationToken, ReadOnlyMemory<byte> body = default)
    {
        if (!PingBatchRules.IsValidProbeId(probe))
        {
            throw new ApiParameterException(Probe, $"'{ApiRequest.Shorten(probe ?? "")}' is no probe id");
        }

        var signature = ProbeRequestSignature.TryParse(request.Headers.Authorization.ToString(), out var malformed);
        if (signature is null)
        {
            return (probe!, Unsigned(malformed));
        }

        if (signature.ProbeId != probe)
        {
            return (probe!, Unsigned($"the request is signed as probe '{signature.ProbeId}'; this route is probe '{probe}''s"));
        }

        // Cached: the fetch comes every minute from every probe (a revoke through this instance drops the entry at once).
        var registered = await _registry.GetCachedAsync(probe, cancellationToken)
            ?? throw new ApiParameterException(Probe, $"no probe '{probe}' is registered: register its key (POST /api/probes, 'netpulse-probe enroll')", notFound: true);
        if (registered.IsRevoked)
        {
            return (probe, Unsigned($"probe '{probe}''s key {registered.KeyId} is revoked; enrol a new key"));
        }

        var path = (request.PathBase + request.Path).Value ?? "";
        return signature.Verify(request.Method, path, _time.GetUtcNow(), registered.PublicKeyDer(), body.Span) is { } failure
            ? (probe, Unsigned(failure))
            : (probe, null);
    }

    private static IResult Unsigned(string detail) =>
        new ProbeChallengeResult(Problem(StatusCodes.Status401Unauthorized, ProbeSignatureType, "Probe signature required", null, detail));

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxImportBytes)
        {
            throw new ApiParameterException(Body, $"the body is {request.ContentLength} bytes; an import is at most {MaxImportBytes}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxImportBytes)
            {
                throw new ApiParameterException(Body, $"the body is over {MaxImportBytes} bytes; an import is at most that");
            }
        }

        return buffer.ToArray();
    }
}

/// <summary>A body of bytes (or none) with its status and type; needs no services, so a test runs it on a bare context.</summary>
internal sealed class ApiBytesResult(int status, byte[] body, string? contentType) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public byte[] Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        if (contentType is not null)
        {
            httpContext.Response.ContentType = contentType;
        }

        if (body.Length > 0)
        {
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}

/// <summary>A 401 for a probe's route, with the challenge that names the scheme it must sign with.</summary>
internal sealed class ProbeChallengeResult(ApiJsonResult<ApiProblem> problem) : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    public int? StatusCode => problem.StatusCode;

    public object? Value => problem.Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.WWWAuthenticate = ProbeRequestSignature.Scheme + " realm=\"NetPulse\"";
        return problem.ExecuteAsync(httpContext);
    }
}

/// <summary>GET /api/probes/{probe}/targets: managed is false (and version null) while the probe runs its own targets file.</summary>
public sealed record ManagedTargetListView(string ProbeId, bool Managed, string? Version, int MaxTargets, IReadOnlyList<ManagedTargetView> Targets);

/// <summary>A managed target as the API shows it: its id (for the per-target routes) and etag (for If-Match), then its settings.</summary>
public sealed record ManagedTargetView(
    string Id,
    string Etag,
    string Name,
    string Host,
    string? Category,
    string? Description,
    bool Uplink,
    int IntervalMs,
    int? LatencyThresholdMs,
    double? LossThresholdPercent,
    bool Enabled,
    int? TimeoutMs);

/// <summary>The body of POST /api/probes/{probe}/targets and PUT …/targets/{targetId}: the whole target.</summary>
public sealed record ManagedTargetRequest(
    string? Name,
    string? Host,
    string? Category,
    string? Description,
    bool? Uplink,
    int? IntervalMs,
    int? LatencyThresholdMs,
    double? LossThresholdPercent,
    bool? Enabled,
    int? TimeoutMs);

/// <summary>What an import changed (compared by name, ignoring case) and the list's version after it.</summary>
public sealed record ManagedTargetImportView(string ProbeId, string Mode, int Added, int Changed, int Removed, int Unchanged, string Version, int Targets);

/// <summary>
/// A 400 of the managed targets' routes: an RFC 7807 problem with the extensions "errors" (camelCase field → its
/// problems) and, for an import, "rows" (each problem with its row in the file).
/// </summary>
public sealed record ManagedTargetProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? Parameter,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Errors,
    IReadOnlyList<ImportRowProblem>? Rows);
