using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>GET /api/incidents?from&amp;to&amp;target&amp;type&amp;state: incidents overlapping the range, newest first.</summary>
public sealed class IncidentsHandler
{
    public const string Type = "type";
    public const string State = "state";

    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7);

    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(400);

    private static readonly string[] Types = [.. IncidentKind.All.Select(k => k.ApiName)];
    private static readonly string[] States = ["open", "resolved", "all"];

    private readonly IncidentReader _incidents;
    private readonly ProbeStateStore _probes;
    private readonly TimeProvider _time;
    private readonly IncidentAcknowledgementStore _acknowledgements;

    internal IncidentsHandler(IncidentReader incidents, ProbeStateStore probes, TimeProvider time, IncidentAcknowledgementStore acknowledgements)
    {
        _incidents = incidents;
        _probes = probes;
        _time = time;
        _acknowledgements = acknowledgements;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ListAsync(request, null, cancellationToken);

    /// <summary>The list for one target that the caller fixed (a share link's), whatever the query's target says.</summary>
    internal Task<IResult> ListAsync(HttpRequest request, string? fixedTargetId, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var range = ApiRequest.Range(request, now, DefaultLength, MaxLength);
        var type = ApiRequest.Choice(request, Type, Types);
        var state = ApiRequest.Choice(request, State, States) ?? "all";
        string? probeId = null, targetName = null;

        if ((fixedTargetId ?? ApiRequest.Query(request, ApiRequest.Target)) is { } id)
        {
            (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Target);
            if (!await _probes.TargetExistsAsync(probeId, targetName, cancellationToken))
            {
                throw ApiRequest.UnknownTarget(ApiRequest.Target, id);
            }
        }

        var incidents = await _incidents.GetIncidentsAsync(range.From, range.To, probeId, targetName, cancellationToken);
        var acknowledged = incidents.Count == 0 ? null
            : await _acknowledgements.ReadAsync(incidents.Min(i => i.Start), incidents.Max(i => i.Start), cancellationToken);
        var shown = incidents
            .Where(i => type is null || IncidentKind.Of(i.Type).ApiName == type)
            .Where(i => state switch
            {
                "open" => i.IsOpen,
                "resolved" => !i.IsOpen,
                _ => true,
            })
            .Select(i => IncidentViews.Of(i, now, acknowledged?.GetValueOrDefault(i.Id)))
            .ToList();
        return new ApiJsonResult<IncidentList>(new IncidentList(shown), ApiJsonContext.Default.IncidentList);
    });
}
