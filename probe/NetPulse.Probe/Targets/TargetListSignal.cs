using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace NetPulse.Probe.Targets;

/// <summary>What one look at the list signal came to.</summary>
public enum SignalOutcome
{
    /// <summary>The signal still names the version the backend last answered: nothing to fetch.</summary>
    Quiet,

    /// <summary>The signal names another version: the list changed, fetch it.</summary>
    Changed,

    /// <summary>No usable signal (none handed out, near its expiry, refused, unreachable): fetch as without one.</summary>
    Unusable,
}

/// <summary>The answer, with the storage service's clock when it gave one and why the signal was unusable.</summary>
public sealed record SignalCheck(SignalOutcome Outcome, DateTimeOffset? BackendDate = null, string? Problem = null);

/// <summary>
/// The backend's list signal for this probe: a blob holding the list's version, read with the read-only SAS URL the
/// signed fetch hands out (<see cref="Contracts.ManagedTargetList.SignalHeader"/>), conditionally on its ETag, so a quiet
/// refresh costs a storage 304 instead of a Function execution. Plain <see cref="HttpClient"/>: one GET needs no storage
/// SDK in the Native AOT probe.
/// </summary>
/// <remarks>
/// The SAS is treated as unusable once three quarters of its lifetime (read from its <c>se</c> expiry against the
/// answer's Date, so the probe's own clock does not matter) have passed: the signed fetch that follows renews it.
/// </remarks>
public sealed class TargetListSignal(HttpClient http, TimeProvider time)
{
    /// <summary>A version is a short id; anything longer is not a signal.</summary>
    private const int MaxContentBytes = 1024;

    private Uri? _uri;
    private DateTimeOffset _renewAt;
    private EntityTagHeaderValue? _etag;

    /// <summary>The blob's address without its SAS, for logs (the SAS is a credential).</summary>
    public string? Location => _uri?.GetLeftPart(UriPartial.Path);

    /// <summary>Whether there is a SAS that is not yet due for renewal.</summary>
    public bool IsUsable => _uri is not null && time.GetUtcNow() < _renewAt;

    /// <summary>
    /// Takes the SAS from a signed fetch's answer (null: the backend hands out none, so the probe fetches as before).
    /// The ETag seen stays: it is the same blob.
    /// </summary>
    public void Renew(Uri? uri, DateTimeOffset? backendDate)
    {
        var now = time.GetUtcNow();
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || Expiry(uri) is not { } expiry
            || expiry - (backendDate ?? now) is not { Ticks: > 0 } left)
        {
            _uri = null;
            return;
        }

        _uri = uri;
        _renewAt = now + (left * 3 / 4);
    }

    /// <summary>
    /// Reads the signal unless it is unusable. <paramref name="knownVersion"/> is the version the backend last answered
    /// ("" for no managed list); a signal naming it is quiet, and only then is its ETag kept for the next If-None-Match.
    /// Never throws but for cancellation.
    /// </summary>
    public async Task<SignalCheck> CheckAsync(string? knownVersion, CancellationToken cancellationToken)
    {
        if (!IsUsable)
        {
            return new SignalCheck(SignalOutcome.Unusable, Problem: _uri is null ? "no signal handed out" : "its access is due for renewal");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        if (_etag is not null)
        {
            request.Headers.IfNoneMatch.Add(_etag);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var date = response.Headers.Date;
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotModified:
                    return new SignalCheck(SignalOutcome.Quiet, date);
                case HttpStatusCode.OK when response.Content.Headers.ContentLength is null or <= MaxContentBytes:
                    var content = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken));
                    if (knownVersion is not null && content == knownVersion)
                    {
                        _etag = response.Headers.ETag;
                        return new SignalCheck(SignalOutcome.Quiet, date);
                    }

                    // Not kept: until a fetch brings this version, each look finds the change again.
                    _etag = null;
                    return new SignalCheck(SignalOutcome.Changed, date);
                default:
                    // 403 (expired, revoked or garbled SAS), 404: this SAS is done; the signed fetch hands out a new one.
                    Forget();
                    return new SignalCheck(SignalOutcome.Unusable, date, $"{(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new SignalCheck(SignalOutcome.Unusable, Problem: ex.Message);
        }
    }

    private void Forget()
    {
        _uri = null;
        _etag = null;
    }

    /// <summary>The SAS's signed expiry (<c>se</c>), null when it has none that parses.</summary>
    private static DateTimeOffset? Expiry(Uri uri)
    {
        foreach (var part in uri.Query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("se=", StringComparison.Ordinal)
                && DateTimeOffset.TryParse(Uri.UnescapeDataString(part[3..]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry))
            {
                return expiry;
            }
        }

        return null;
    }
}
