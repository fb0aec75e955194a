using System.Net;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// POST /api/incidents/{id}/ack (Admin: the signed-in name, "local" with sign-in open), and the signed link from an
/// alert message: GET /api/ack answers a page with an "Acknowledge" button and changes nothing, POST /api/ack (the
/// button) records the acknowledgement by "link". Mail scanners and link previews fetch a link with GET; they do not
/// press buttons, so a scanned link acknowledges nothing. Both refuse a tampered, incomplete or expired link with 403.
/// </summary>
public sealed class AcknowledgeHandler
{
    public const string Probe = "probe";
    public const string Incident = "incident";
    public const string Expires = "expires";
    public const string Signature = "sig";
    public const string Link = "link";

    private readonly IncidentAcknowledgementStore _acknowledgements;
    private readonly IncidentStore _incidents;
    private readonly AcknowledgeLinks _links;
    private readonly TimeProvider _time;

    internal AcknowledgeHandler(IncidentAcknowledgementStore acknowledgements, IncidentStore incidents, AcknowledgeLinks links, TimeProvider time)
    {
        _acknowledgements = acknowledgements;
        _incidents = incidents;
        _links = links;
        _time = time;
    }

    public Task<IResult> AcknowledgeAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        string? note = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            note = (await ApiBody.ReadAsync(request, ApiJsonContext.Default.AcknowledgeRequest, 4096, "{\"note\":\"on it\"}", cancellationToken)).Note?.Trim();
            if (note is { Length: > 500 })
            {
                throw new ApiParameterException("note", $"the note is {note.Length} characters; at most 500");
            }

            // Shown beside the incident in the dashboard: a hidden character (U+202E, a line break) would mislead there.
            if (Contracts.TargetSettings.DescribeHiddenCharacter(note) is { } hidden)
            {
                throw new ApiParameterException("note", $"the note {hidden}");
            }
        }

        if (!IncidentIds.TryParseStart(id ?? "", out _))
        {
            throw new ApiParameterException(ApiRequest.Id, $"'{ApiRequest.Shorten(id ?? "")}' is no incident id: GET /api/incidents lists them");
        }

        var incident = await _incidents.FindAsync(id!, cancellationToken)
            ?? throw new ApiParameterException(ApiRequest.Id, $"no incident '{ApiRequest.Shorten(id ?? "")}': GET /api/incidents lists them", notFound: true);
        var standing = await _acknowledgements.AcknowledgeAsync(
            new IncidentAcknowledgement(incident.ProbeId, incident.Id, ApiCaller.Name(request), _time.GetUtcNow(), string.IsNullOrEmpty(note) ? null : note),
            cancellationToken);
        return new ApiJsonResult<IncidentView>(IncidentViews.Of(incident.ToIncident(), _time.GetUtcNow(), standing), ApiJsonContext.Default.IncidentView);
    });

    /// <summary>GET /api/ack: checks the link and shows the button; records nothing.</summary>
    public Task<IResult> ConfirmPageAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(request) is { } refused)
        {
            return refused;
        }

        var (probe, incident) = (request.Query[Probe].ToString(), request.Query[Incident].ToString());
        var existing = await _acknowledgements.GetAsync(probe, incident, cancellationToken);
        if (existing is not null)
        {
            return Page("Already acknowledged", $"Incident {incident} of probe {probe} was acknowledged by {existing.By} at {existing.At:yyyy-MM-dd HH:mm} UTC.", form: null);
        }

        // The form posts back to this same address, query and all: the signature travels with it.
        var action = $"{request.PathBase}{request.Path}{request.QueryString}";
        return Page("Acknowledge the incident?", $"Incident {incident} of probe {probe}. Acknowledging stops reminders and escalation.", action);
    });

    /// <summary>POST /api/ack: checks the link again and records the acknowledgement by "link".</summary>
    public Task<IResult> AcknowledgeByLinkAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(request) is { } refused)
        {
            return refused;
        }

        var (probe, incident) = (request.Query[Probe].ToString(), request.Query[Incident].ToString());
        var standing = await _acknowledgements.AcknowledgeAsync(new IncidentAcknowledgement(probe, incident, Link, _time.GetUtcNow(), null), cancellationToken);
        return Page("Acknowledged", $"Incident {incident} of probe {probe} is acknowledged (by {standing.By} at {standing.At:yyyy-MM-dd HH:mm} UTC).", form: null);
    });

    private IResult? Refusal(HttpRequest request)
    {
        foreach (var name in new[] { Probe, Incident, Expires, Signature })
        {
            if (request.Query[name].Count > 1)
            {
                return Forbidden($"'{name}' is given {request.Query[name].Count} times");
            }
        }

        var problem = _links.Check(request.Query[Probe], request.Query[Incident], request.Query[Expires], request.Query[Signature]);
        return problem is null ? null : Forbidden(problem);
    }

    private static ApiJsonResult<ApiProblem> Forbidden(string detail) => new(
        new ApiProblem(AcknowledgeLinkRefusedType, "The acknowledge link is not valid", StatusCodes.Status403Forbidden, detail, Signature),
        ApiJsonContext.Default.ApiProblem, StatusCodes.Status403Forbidden, ApiProblems.ContentType);

    public const string AcknowledgeLinkRefusedType = "urn:netpulse:problem:acknowledge-link-refused";

    private static IResult Page(string title, string text, string? form)
    {
        var button = form is null ? "" : $"<form method=\"post\" action=\"{WebUtility.HtmlEncode(form)}\"><button type=\"submit\">Acknowledge</button></form>";
        var html = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>NetPulse: {WebUtility.HtmlEncode(title)}</title></head>"
            + $"<body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>{button}</body></html>";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}

/// <summary>The optional body of POST /api/incidents/{id}/ack.</summary>
public sealed record AcknowledgeRequest(string? Note);
