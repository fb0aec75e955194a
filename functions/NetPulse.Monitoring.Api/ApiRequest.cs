using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>A time range of a request, UTC, <see cref="From"/> before <see cref="To"/>.</summary>
internal readonly record struct TimeRange(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To - From;
}

/// <summary>Reads query and route parameters, throwing <see cref="ApiParameterException"/> with the parameter's name for bad ones.</summary>
internal static partial class ApiRequest
{
    public const string From = "from";
    public const string To = "to";
    public const string Target = "target";
    public const string Id = "id";

    /// <summary>
    /// Runs a handler's body: a bad or unknown parameter becomes its problem answer, storage that cannot be reached a
    /// 503 with Retry-After (logged as a warning), so does a change stored whose probe could not be told, and any other failure propagates to the host, which answers 500.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, Func<Task<IResult>> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await body();
        }
        catch (ApiParameterException ex)
        {
            return ex.ToResult();
        }
        catch (ProbeNotToldException ex)
        {
            var logger = request.HttpContext.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ApiRequest).FullName!);
            logger?.LogWarning(ex, "{Method} {Path} answered 503: the change is stored as version {Version}, but probe {ProbeId} could not be told",
                request.Method, request.Path, ex.Version, ex.ProbeId);
            return ApiProblems.ProbeNotTold(ex);
        }
        catch (Exception ex) when (StorageFailures.IsUnreachable(ex) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = request.HttpContext.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ApiRequest).FullName!);
            logger?.LogWarning("{Method} {Path} answered 503: storage is unreachable ({Reason})", request.Method, request.Path, StorageFailures.Reason(ex));
            return ApiProblems.StorageUnavailable(StorageFailures.Reason(ex));
        }
    }

    /// <summary>The parameter's value; null when absent or empty; a problem when given more than once.</summary>
    public static string? Query(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query[name];
        return values.Count switch
        {
            0 => null,
            1 => string.IsNullOrEmpty(values[0]) ? null : values[0],
            _ => throw new ApiParameterException(name, $"'{name}' is given {values.Count} times; give it once"),
        };
    }

    /// <summary>The "limit" parameter: <paramref name="defaultLimit"/> when absent, else a whole number from 1 to <paramref name="maxLimit"/>.</summary>
    public static int Limit(HttpRequest request, int defaultLimit, int maxLimit)
    {
        const string name = "limit";
        var text = Query(request, name);
        if (text is null)
        {
            return defaultLimit;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= maxLimit
            ? limit
            : throw new ApiParameterException(name, $"'{name}' must be a whole number from 1 to {maxLimit}; '{Shorten(text)}' is not");
    }

    /// <summary>
    /// The from/to range: ISO-8601 with Z or an offset. One missing: to defaults to now, from to
    /// <paramref name="defaultLength"/> before to. At most <paramref name="maxLength"/> long.
    /// </summary>
    public static TimeRange Range(HttpRequest request, DateTimeOffset now, TimeSpan defaultLength, TimeSpan maxLength)
    {
        var from = Time(request, From);
        var to = Time(request, To) ?? now;
        var start = from ?? to - defaultLength;
        if (start >= to)
        {
            throw new ApiParameterException(From, $"from ({UtcTimeJsonConverter.Text(start)}) must be before to ({UtcTimeJsonConverter.Text(to)})");
        }

        if (to - start > maxLength)
        {
            throw new ApiParameterException(From, string.Create(CultureInfo.InvariantCulture,
                $"the range from {UtcTimeJsonConverter.Text(start)} to {UtcTimeJsonConverter.Text(to)} is {(to - start).TotalDays:0.##} days; at most {maxLength.TotalDays:0.##} days are served at once"));
        }

        return new TimeRange(start, to);
    }

    public static DateTimeOffset? Time(HttpRequest request, string name)
    {
        var text = Query(request, name);
        if (text is null)
        {
            return null;
        }

        if (!IsoTime().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ||
            time.Year < 2000 || time.Year > 9000)
        {
            var hint = text.Contains(' ', StringComparison.Ordinal) ? " (a '+' in a URL must be written %2B)" : "";
            throw new ApiParameterException(name, $"'{name}' must be an ISO-8601 time with Z or an offset, such as 2026-11-27T05:00:00Z; '{Shorten(text)}' is not{hint}");
        }

        return time.ToUniversalTime();
    }

    /// <summary>A target id from the route or the query: 400 when malformed; the probe and name are not checked against storage here.</summary>
    public static (string ProbeId, string TargetName) TargetId(string? id, string parameter)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ApiParameterException(parameter, $"'{parameter}' is required: a target id as /api/targets lists them");
        }

        return TargetIds.TryParse(id, out var probeId, out var name, out var problem)
            ? (probeId, name)
            : throw new ApiParameterException(parameter, $"'{Shorten(id)}' is no target id: {problem}");
    }

    /// <summary>One of <paramref name="allowed"/> (case-sensitive, as documented); null when absent.</summary>
    public static string? Choice(HttpRequest request, string name, params string[] allowed)
    {
        var value = Query(request, name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new ApiParameterException(name, $"'{name}' must be one of {string.Join(", ", allowed)}; '{Shorten(value)}' is not");
    }

    /// <summary>The probe and target for <paramref name="id"/> exist, else a 404 naming <paramref name="parameter"/>.</summary>
    public static ApiParameterException UnknownTarget(string parameter, string id, UnknownTargetException? cause = null) =>
        new(parameter, $"no target has the id '{Shorten(id)}'{(cause is null ? "" : ": " + cause.Message)}", notFound: true);

    /// <summary>User text echoed in a problem is cut short: a problem body is no place for a megabyte of query string.</summary>
    public static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
