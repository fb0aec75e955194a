using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// GET /api/probes, POST /api/probes (register a probe's public key), POST /api/probes/{id}/revoke. Ingestion
/// accepts a batch only when the probe it names is registered here, not revoked, and signed it with this key.
/// </summary>
public sealed class ProbesHandler
{
    public const string Id = "id";
    public const string PublicKey = "publicKey";
    public const string Replace = "replace";
    public const string Body = "body";

    /// <summary>A registration is an id and a key of about a hundred characters; anything much larger is not one.</summary>
    internal const int MaxBodyBytes = 16 * 1024;

    private readonly ProbeRegistry _registry;
    private readonly ProbeFleet _fleet;
    private readonly ProbeStateStore _states;

    internal ProbesHandler(ProbeRegistry registry, ProbeFleet fleet, ProbeStateStore states)
    {
        _registry = registry;
        _fleet = fleet;
        _states = states;
    }

    /// <summary>The fleet: every probe registered or heard from, with its registration and what it last said of itself.</summary>
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
        new ApiJsonResult<ProbeFleetList>(await _fleet.ListAsync(cancellationToken), ApiJsonContext.Default.ProbeFleetList));

    /// <summary>
    /// POST /api/probes/{id}/retire retires a probe, DELETE brings it back: kept in history, gone from the overview,
    /// never called silent. A batch with rounds after the retirement brings it back by itself.
    /// </summary>
    public Task<IResult> RetireAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!PingBatchRules.IsValidProbeId(id))
        {
            throw new ApiParameterException(Id, $"'{ApiRequest.Shorten(id ?? "")}' is no probe id");
        }

        var retire = !HttpMethods.IsDelete(request.Method);
        if (!await _states.SetProbeRetiredAsync(id!, retire, cancellationToken))
        {
            throw new ApiParameterException(Id, $"no batch ever came from probe '{id}', so there is nothing to retire: revoke its key instead (POST /api/probes/{id}/revoke)", notFound: true);
        }

        return new ApiJsonResult<RetirementView>(new RetirementView(id!, retire), ApiJsonContext.Default.RetirementView);
    });

    /// <summary>POST /api/targets/{id}/retire retires a target, DELETE brings it back; a batch with its rounds after the retirement brings it back by itself.</summary>
    public Task<IResult> RetireTargetAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var (probeId, targetName) = ApiRequest.TargetId(id, ApiRequest.Id);
        var retire = !HttpMethods.IsDelete(request.Method);
        if (!await _states.SetTargetRetiredAsync(probeId, targetName, retire, cancellationToken))
        {
            throw ApiRequest.UnknownTarget(ApiRequest.Id, id!);
        }

        return new ApiJsonResult<RetirementView>(new RetirementView(id!, retire), ApiJsonContext.Default.RetirementView);
    });

    public Task<IResult> RegisterAsync(HttpRequest request, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var replace = ApiRequest.Choice(request, Replace, "true", "false") == "true";
        var body = await ReadBodyAsync(request, cancellationToken);
        if (!PingBatchRules.IsValidProbeId(body.Id))
        {
            throw new ApiParameterException(Id, $"'{ApiRequest.Shorten(body.Id ?? "")}' is no probe id: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit (the probe's Probe:Id)");
        }

        var key = ProbeKeys.TryParsePublicKey(body.PublicKey, out var problem)
            ?? throw new ApiParameterException(PublicKey, $"'{PublicKey}' {problem}");
        var registration = await _registry.RegisterAsync(body.Id!, key, replace, cancellationToken);
        var current = registration.Probe;
        return registration.Outcome switch
        {
            RegistrationOutcome.Created or RegistrationOutcome.Replaced =>
                new ApiJsonResult<RegisteredProbeView>(View(current!), ApiJsonContext.Default.RegisteredProbeView, StatusCodes.Status201Created),
            RegistrationOutcome.Unchanged =>
                new ApiJsonResult<RegisteredProbeView>(View(current!), ApiJsonContext.Default.RegisteredProbeView),
            RegistrationOutcome.KeyConflict => ApiProblems.Conflict(
                ApiProblems.ProbeKeyConflictType, "The probe has another key", PublicKey,
                $"probe '{body.Id}' is registered with key {current?.KeyId}; POST with ?replace=true to replace it (the old key stops working), or revoke it first"),
            RegistrationOutcome.KeyRevoked => ApiProblems.Conflict(
                ApiProblems.ProbeKeyRevokedType, "The key is revoked", PublicKey,
                $"key {current?.KeyId} of probe '{body.Id}' was revoked and is never accepted again; make a new key (delete probe.key in the probe's spool folder, run 'netpulse-probe enroll') and register that"),
            RegistrationOutcome.LimitReached => ApiProblems.Conflict(
                ApiProblems.ProbeLimitType, "Too many probes", Id,
                $"{await ActiveCountAsync(cancellationToken)} probes are registered, the most {ProbesOptions.Section}:MaxProbes allows; revoke one or raise the setting"),
        };
    });

    public Task<IResult> RevokeAsync(HttpRequest request, string? id, CancellationToken cancellationToken) => ApiRequest.HandleAsync(request, async () =>
    {
        if (!PingBatchRules.IsValidProbeId(id))
        {
            throw new ApiParameterException(Id, $"'{ApiRequest.Shorten(id ?? "")}' is no probe id");
        }

        var probe = await _registry.RevokeAsync(id!, cancellationToken)
            ?? throw new ApiParameterException(Id, $"no probe '{id}' is registered: GET /api/probes lists them", notFound: true);
        return new ApiJsonResult<RegisteredProbeView>(View(probe), ApiJsonContext.Default.RegisteredProbeView);
    });

    private static RegisteredProbeView View(RegisteredProbe probe) =>
        new(probe.Id, probe.KeyId, probe.PublicKey, probe.RegisteredAt, probe.RevokedAt);

    private static async Task<ProbeRegistrationRequest> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new ApiParameterException(Body, $"the body is {request.ContentLength} bytes; a registration is at most {MaxBodyBytes}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new ApiParameterException(Body, $"the body is over {MaxBodyBytes} bytes; a registration is at most that");
            }
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ApiJsonContext.Default.ProbeRegistrationRequest)
                ?? throw new ApiParameterException(Body, "the body is JSON null; send {\"id\":\"lab-01\",\"publicKey\":\"MFkw…\"}");
        }
        catch (JsonException ex)
        {
            throw new ApiParameterException(Body, $"the body is not a registration, {{\"id\":\"lab-01\",\"publicKey\":\"MFkw…\"}}: {ApiRequest.Shorten(ex.Message)}");
        }
    }

    private async Task<int> ActiveCountAsync(CancellationToken cancellationToken) =>
        (await _registry.ListAsync(cancellationToken)).Count(p => !p.IsRevoked);
}

/// <summary>The body of POST /api/probes.</summary>
public sealed record ProbeRegistrationRequest(string? Id, string? PublicKey);

/// <summary>A registered probe as the API shows it: the public key is Base64 SubjectPublicKeyInfo DER.</summary>
public sealed record RegisteredProbeView(string Id, string KeyId, string PublicKey, DateTimeOffset RegisteredAt, DateTimeOffset? RevokedAt);

public sealed record RegisteredProbeList(IReadOnlyList<RegisteredProbeView> Probes);
