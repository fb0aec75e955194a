using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Probe.Sending;

namespace NetPulse.Probe.Targets;

/// <summary>What one fetch of the managed target list came to.</summary>
public enum FetchOutcome
{
    /// <summary>200: a list (not yet checked) and its version.</summary>
    Changed,

    /// <summary>304: the list the probe runs is current.</summary>
    NotModified,

    /// <summary>404: the backend manages no targets for this probe.</summary>
    NoManagedList,

    /// <summary>Anything else: the network, a refused signature, a server error, a body that is no list.</summary>
    Failed,
}

/// <summary>
/// The answer: the list when <see cref="FetchOutcome.Changed"/>, the backend's clock when it said, the read URL of the
/// list signal when it handed one out (<see cref="ManagedTargetList.SignalHeader"/>), else why it failed.
/// </summary>
public sealed record FetchResult(
    FetchOutcome Outcome, ManagedTargetList? List = null, DateTimeOffset? BackendDate = null, string? Problem = null, Uri? Signal = null);

/// <summary>
/// The probe's side of <c>GET {api}/probes/{id}/target-list</c> (conditional on the version it runs, signed with the
/// probe's key: <see cref="ProbeRequestSignature"/>) and of the one-time import, <c>PUT</c> on the same route.
/// </summary>
public sealed class TargetListClient(HttpClient http, Uri apiUrl, BatchSigner signer, TimeProvider time)
{
    /// <summary>The target list's URL for this probe.</summary>
    public Uri ListUrl { get; } = new(apiUrl.AbsoluteUri.TrimEnd('/') + "/probes/" + Uri.EscapeDataString(signer.ProbeId) + "/target-list");

    /// <summary>Fetches the list unless it is still <paramref name="runningVersion"/>. Never throws but for cancellation.</summary>
    public async Task<FetchResult> FetchAsync(string? runningVersion, CancellationToken cancellationToken)
    {
        using var request = Signed(HttpMethod.Get);
        if (!string.IsNullOrEmpty(runningVersion) && EntityTagHeaderValue.TryParse(Quote(runningVersion), out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var date = response.Headers.Date;
            var signal = response.Headers.TryGetValues(ManagedTargetList.SignalHeader, out var values)
                && Uri.TryCreate(values.FirstOrDefault(), UriKind.Absolute, out var uri) ? uri : null;
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotModified:
                    return new FetchResult(FetchOutcome.NotModified, BackendDate: date, Signal: signal);
                case HttpStatusCode.NotFound:
                    return new FetchResult(FetchOutcome.NoManagedList, BackendDate: date, Signal: signal);
                case HttpStatusCode.OK:
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    ManagedTargetList list;
                    try
                    {
                        list = ManagedTargetList.FromJson(body);
                    }
                    catch (JsonException ex)
                    {
                        return new FetchResult(FetchOutcome.Failed, BackendDate: date, Problem: $"the answer is not a target list: {ex.Message}");
                    }

                    // The ETag names the version; the body's Version is the fallback for a server that sends none.
                    var version = response.Headers.ETag is { } etag ? Unquote(etag.Tag) : list.Version;
                    return new FetchResult(FetchOutcome.Changed, list with { Version = version }, date, Signal: signal);
                default:
                    var detail = await response.Content.ReadAsStringAsync(cancellationToken);
                    return new FetchResult(FetchOutcome.Failed, BackendDate: date, Problem: $"{(int)response.StatusCode} {response.ReasonPhrase}: {ProblemDetail(detail)}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new FetchResult(FetchOutcome.Failed, Problem: ex.Message);
        }
    }

    /// <summary>PUTs <paramref name="list"/> as this probe's managed list (import). Throws <see cref="HttpRequestException"/> when the API cannot be reached.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PutAsync(ManagedTargetList list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        var body = list.ToJson();
        using var request = Signed(HttpMethod.Put, body);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>The problem document's detail (and its per-row errors, if any), or the body itself, shortened.</summary>
    public static string ProblemDetail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                var text = problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
                if (problem.RootElement.TryGetProperty("errors", out var errors))
                {
                    text += (text.Length > 0 ? "\n" : "") + errors.GetRawText();
                }

                if (text.Length > 0)
                {
                    return text;
                }
            }
        }
        catch (JsonException)
        {
        }

        return body.Length <= 300 ? body : body[..300] + "…";
    }

    private HttpRequestMessage Signed(HttpMethod method, byte[]? body = null)
    {
        var request = new HttpRequestMessage(method, ListUrl);
        request.Headers.TryAddWithoutValidation("Authorization", signer.SignRequest(method.Method, ListUrl.AbsolutePath, time.GetUtcNow(), body));
        return request;
    }

    private static string Quote(string version) => version.StartsWith('"') || version.StartsWith("W/", StringComparison.Ordinal) ? version : $"\"{version}\"";

    private static string Unquote(string tag) => tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"' ? tag[1..^1] : tag;
}
