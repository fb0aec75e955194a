using System.Globalization;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/alerts?state&amp;from&amp;to&amp;limit: the alert notices raised in the range, newest first, with each channel's
/// delivery state, and how many of the range's notices are pending or undelivered (the dashboard's banner). A notice
/// that was still failing at the retry horizon shows here, not only in a log.
/// </summary>
public sealed class AlertsHandler
{
    public const string State = "state";
    public const string Limit = "limit";

    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7);

    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    private static readonly string[] States = [NoticeStates.Pending, NoticeStates.Delivered, NoticeStates.Undelivered, NoticeStates.Refused];

    private readonly IAlertNoticeLog _notices;
    private readonly TimeProvider _time;

    internal AlertsHandler(IAlertNoticeLog notices, TimeProvider time)
    {
        _notices = notices;
        _time = time;
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = ApiRequest.Range(request, _time.GetUtcNow(), DefaultLength, MaxLength);
        var state = ApiRequest.Choice(request, State, States);
        var limit = ApiRequest.Limit(request, DefaultLimit, MaxLimit);

        var notices = await _notices.ListAsync(range.From, range.To, cancellationToken);
        var shown = notices.Where(n => state switch
        {
            null => true,
            NoticeStates.Refused => n.IsRefusedSomewhere,
            _ => n.State == state,
        }).ToList();
        var list = new AlertNoticeList(
            range.From,
            range.To,
            notices.Count(n => n.State == NoticeStates.Pending),
            notices.Count(n => n.State == NoticeStates.Undelivered),
            shown.Count,
            shown.Count > limit,
            [.. shown.Take(limit).Select(n => new AlertNoticeView(n.Id, n.Kind, n.RaisedAt, n.ProbeId, n.Escalated, n.State, n.Incidents, n.Channels))]);
        return new ApiJsonResult<AlertNoticeList>(list, ApiJsonContext.Default.AlertNoticeList);
    });
}

/// <summary>
/// The notices of <see cref="From"/>–<see cref="To"/>: <see cref="Pending"/> and <see cref="Undelivered"/> count every
/// notice of the range whatever the filter; <see cref="Matching"/> is how many the filter kept, of which at most the
/// limit are in <see cref="Alerts"/> (<see cref="Truncated"/> then true).
/// </summary>
public sealed record AlertNoticeList(
    DateTimeOffset From,
    DateTimeOffset To,
    int Pending,
    int Undelivered,
    int Matching,
    bool Truncated,
    IReadOnlyList<AlertNoticeView> Alerts);

/// <summary>One notice: kind opened/resolved/reminder/summary/report; state pending/delivered/undelivered.</summary>
public sealed record AlertNoticeView(
    string Id,
    string Kind,
    DateTimeOffset RaisedAt,
    string ProbeId,
    bool Escalated,
    string State,
    IReadOnlyList<NoticeIncident> Incidents,
    IReadOnlyList<NoticeChannel> Channels);
