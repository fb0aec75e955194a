using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/maintenance (the windows), POST /api/maintenance (add one), DELETE /api/maintenance/{id}, and
/// POST /api/incidents/{id}/maintenance (mark a past incident as maintenance, or with {"maintenance": false} unmark it).
/// </summary>
public sealed class MaintenanceHandler
{
    public const string Body = "body";

    /// <summary>A window is a few hundred bytes; anything much larger is not one.</summary>
    internal const int MaxBodyBytes = 16 * 1024;

    private readonly MaintenanceStore _windows;
    private readonly IncidentMaintenanceMarks _marks;
    private readonly TimeProvider _time;

    internal MaintenanceHandler(MaintenanceStore windows, IncidentMaintenanceMarks marks, TimeProvider time)
    {
        _windows = windows;
        _marks = marks;
        _time = time;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        var now = _time.GetUtcNow();
        var windows = await _windows.ListAsync(cancellationToken);
        return new ApiJsonResult<MaintenanceWindowList>(new MaintenanceWindowList([.. windows.Select(w => View(w, now))]), ApiJsonContext.Default.MaintenanceWindowList);
    });

    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await ApiBody.ReadAsync(request, ApiJsonContext.Default.MaintenanceWindowRequest, MaxBodyBytes,
            "{\"scope\":{\"probeId\":\"lab-01\",\"targetName\":\"gateway\"},\"start\":\"2026-12-06T10:00:00Z\",\"end\":\"2026-12-06T11:00:00Z\",\"reason\":\"router firmware\"}",
            cancellationToken);
        var now = _time.GetUtcNow();
        var scope = body.Scope ?? new MaintenanceScopeView(null, null, null, null);
        var window = new MaintenanceWindow
        {
            Id = Guid.NewGuid().ToString("N")[..16],
            Scope = new MaintenanceScope(Blank(scope.ProbeId), Blank(scope.TargetName), Blank(scope.Category), scope.All == true),
            Start = body.Start,
            End = body.End,
            Cron = Blank(body.Cron),
            TimeZone = Blank(body.TimeZone),
            Duration = body.DurationMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            Reason = (body.Reason ?? "").Trim(),
            CreatedBy = ApiCaller.Name(request),
            CreatedAt = now,
        };

        var problems = window.Problems(_windows.Options.MaxDuration);
        if (problems.Count > 0)
        {
            throw new ApiParameterException(problems[0].Field, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Problem}")));
        }

        // Every instance reads every window each minute: the table stays within the cap rather than grow for years.
        var stored = (await _windows.ListAsync(cancellationToken)).Count;
        if (stored >= _windows.Options.MaxWindows)
        {
            return ApiProblems.Conflict(
                ApiProblems.BadRequestType, "Too many maintenance windows", Body,
                $"{stored} windows are stored, the most {MaintenanceOptions.Section}:MaxWindows allows; delete ended ones (DELETE /api/maintenance/{{id}}) or raise the setting");
        }

        await _windows.AddAsync(window, cancellationToken);
        return new ApiJsonResult<MaintenanceWindowView>(View(window, now), ApiJsonContext.Default.MaintenanceWindowView, StatusCodes.Status201Created);
    });

    public Task<IResult> DeleteAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(char.IsAsciiLetterOrDigit))
        {
            throw new ApiParameterException(ApiRequest.Id, $"'{ApiRequest.Shorten(id ?? "")}' is no maintenance window id: GET /api/maintenance lists them");
        }

        if (!await _windows.DeleteAsync(id, cancellationToken))
        {
            throw new ApiParameterException(ApiRequest.Id, $"no maintenance window '{id}': GET /api/maintenance lists them", notFound: true);
        }

        return Results.NoContent();
    });

    public Task<IResult> MarkIncidentAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IncidentIds.TryParseStart(id ?? "", out _))
        {
            throw new ApiParameterException(ApiRequest.Id, $"'{ApiRequest.Shorten(id ?? "")}' is no incident id: GET /api/incidents lists them");
        }

        var maintenance = true;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = await ApiBody.ReadAsync(request, ApiJsonContext.Default.MaintenanceMarkRequest, MaxBodyBytes, "{\"maintenance\":false}", cancellationToken);
            maintenance = body.Maintenance ?? true;
        }

        var (outcome, incident) = await _marks.MarkAsync(id ?? "", maintenance, cancellationToken);
        return outcome switch
        {
            MaintenanceMarkOutcome.Done => new ApiJsonResult<IncidentView>(IncidentViews.Of(incident!, _time.GetUtcNow()), ApiJsonContext.Default.IncidentView),
            MaintenanceMarkOutcome.NotFound => throw new ApiParameterException(ApiRequest.Id, $"no incident '{ApiRequest.Shorten(id ?? "")}': GET /api/incidents lists them", notFound: true),
            MaintenanceMarkOutcome.StillOpen => ApiProblems.Conflict(
                ApiProblems.BadRequestType, "The incident is still open", ApiRequest.Id,
                $"incident '{id}' is still open; mute its target with a maintenance window (POST /api/maintenance) and mark it once it is over"),
        };
    });

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static MaintenanceWindowView View(MaintenanceWindow window, DateTimeOffset now)
    {
        var active = window.OccurrenceAt(now);
        var next = window.Occurrences(now, now.AddDays(35)).Where(o => o.Start > now).Select(o => (DateTimeOffset?)o.Start).FirstOrDefault();
        return new MaintenanceWindowView(
            window.Id,
            new MaintenanceScopeView(window.Scope.ProbeId, window.Scope.TargetName, window.Scope.Category, window.Scope.All),
            window.Start,
            window.End,
            window.Cron,
            window.TimeZone,
            window.Duration is { } d ? (int)d.TotalMinutes : null,
            window.Reason,
            window.CreatedBy,
            window.CreatedAt,
            active?.End,
            next);
    }
}

/// <summary>Who is calling, as an acknowledgement or a window records it.</summary>
internal static class ApiCaller
{
    /// <summary>The token's name or preferred_username; "local" when sign-in is open (no token was checked).</summary>
    public static string Name(HttpRequest request)
    {
        var user = request.HttpContext.User;
        var name = user.FindFirst("name")?.Value ?? user.FindFirst("preferred_username")?.Value ?? user.FindFirst(ClaimTypes.Name)?.Value;
        return string.IsNullOrWhiteSpace(name) ? "local" : ApiRequest.Shorten(name.Trim());
    }
}

/// <summary>Reads a small JSON body, refusing an oversized or malformed one with a problem that shows the expected shape.</summary>
internal static class ApiBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, int maxBytes, string example, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new ApiParameterException(MaintenanceHandler.Body, $"the body is {request.ContentLength} bytes; at most {maxBytes}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new ApiParameterException(MaintenanceHandler.Body, $"the body is over {maxBytes} bytes");
            }
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type)
                ?? throw new ApiParameterException(MaintenanceHandler.Body, $"the body is JSON null; send e.g. {example}");
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : MaintenanceHandler.Body;
            throw new ApiParameterException(field, $"the body is not what this route takes (e.g. {example}): {ApiRequest.Shorten(ex.Message)}");
        }
    }
}

/// <summary>GET /api/maintenance.</summary>
public sealed record MaintenanceWindowList(IReadOnlyList<MaintenanceWindowView> Windows);

/// <summary>What a window mutes: a target (probeId and targetName), a category, a probe (probeId alone) or all.</summary>
public sealed record MaintenanceScopeView(string? ProbeId, string? TargetName, string? Category, bool? All);

/// <summary>A window as the API shows it; activeUntil is set while an occurrence is on, nextStart is the next one within 35 days.</summary>
public sealed record MaintenanceWindowView(
    string Id,
    MaintenanceScopeView Scope,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? Cron,
    string? TimeZone,
    int? DurationMinutes,
    string Reason,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ActiveUntil,
    DateTimeOffset? NextStart);

/// <summary>The body of POST /api/maintenance: a scope and either start and end, or cron, timeZone and durationMinutes.</summary>
public sealed record MaintenanceWindowRequest(
    MaintenanceScopeView? Scope, DateTimeOffset? Start, DateTimeOffset? End, string? Cron, string? TimeZone, int? DurationMinutes, string? Reason);

/// <summary>The optional body of POST /api/incidents/{id}/maintenance.</summary>
public sealed record MaintenanceMarkRequest(bool? Maintenance);
