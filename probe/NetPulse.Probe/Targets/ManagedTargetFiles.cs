using System.Text;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Targets;

/// <summary>
/// The files in the spool folder that make a probe centrally managed: <see cref="CacheFileName"/>, the last good target
/// list the backend served (so the probe starts and pings while the backend is unreachable), and
/// <see cref="BackendFileName"/>, the API URL that <c>import-targets</c> recorded (used when Probe:Backend:ApiUrl is unset).
/// Both written as temp file, fsync, rename: a crash leaves the old copy or the new one.
/// </summary>
public static class ManagedTargetFiles
{
    public const string CacheFileName = "targets.managed.json";
    public const string BackendFileName = "backend";

    public static string CachePath(string spoolFolder) => Path.Combine(spoolFolder, CacheFileName);

    public static string BackendPath(string spoolFolder) => Path.Combine(spoolFolder, BackendFileName);

    /// <summary>Keeps <paramref name="list"/> as the last good list.</summary>
    public static async Task SaveCacheAsync(string spoolFolder, ManagedTargetList list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        Directory.CreateDirectory(spoolFolder);
        await DurableFile.WriteAsync(CachePath(spoolFolder), list.ToJson(), cancellationToken);
    }

    /// <summary>The last good list for <paramref name="probeId"/>, or null (with the reason in <paramref name="problem"/>, empty when there is none).</summary>
    public static ManagedTargetList? LoadCache(string spoolFolder, string probeId, out string problem)
    {
        var path = CachePath(spoolFolder);
        problem = "";
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var list = ManagedTargetList.FromJson(File.ReadAllBytes(path));
            problem = ManagedTargetCheck.Describe(list, probeId) ?? "";
            return problem.Length == 0 ? list : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"{path}: {ex.Message}";
            return null;
        }
    }

    /// <summary>Records the API that manages this probe's targets, for <c>run</c> to find without further settings.</summary>
    public static void SaveBackend(string spoolFolder, Uri apiUrl)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        Directory.CreateDirectory(spoolFolder);
        DurableFile.Write(BackendPath(spoolFolder), Encoding.UTF8.GetBytes(apiUrl.AbsoluteUri + "\n"));
    }

    /// <summary>The API URL <c>import-targets</c> recorded, or null when there is none.</summary>
    /// <exception cref="ProbeConfigurationException">The file holds no valid API URL.</exception>
    public static Uri? LoadBackend(string spoolFolder)
    {
        var path = BackendPath(spoolFolder);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var api) || ProbeOptionsValidator.DescribeInvalidApiUrl(api) is not null)
        {
            throw new ProbeConfigurationException(
                $"{path}: holds '{text}', not the API's base URL (such as https://<functionApp>.azurewebsites.net/api); fix it, delete it to run the local targets, or run import-targets again");
        }

        return api;
    }
}

/// <summary>Whether a managed list may run on this probe: the same <see cref="TargetListRules"/> as the targets file, and it names this probe.</summary>
public static class ManagedTargetCheck
{
    /// <summary>Shown in the log at most; the rest are counted.</summary>
    private const int ShownProblems = 3;

    /// <summary>Null when <paramref name="list"/> is valid for <paramref name="probeId"/>, else its first problems in one sentence.</summary>
    public static string? Describe(ManagedTargetList list, string probeId)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (!string.Equals(list.ProbeId, probeId, StringComparison.Ordinal))
        {
            return $"the list is for probe '{list.ProbeId}', not '{probeId}'";
        }

        if (list.Targets is null)
        {
            return "the list has no targets array";
        }

        var problems = TargetListRules.Problems(list.Targets).ToList();
        if (problems.Count == 0)
        {
            // No enabled target is a valid list: the probe idles until one is enabled.
            return null;
        }

        var shown = problems.Take(ShownProblems).Select(p => p.Index is { } i
            ? $"target {i} ('{Shorten(list.Targets[i]?.Name)}') {p.Field} {p.Problem}"
            : $"{p.Field} {p.Problem}");
        var more = problems.Count > ShownProblems ? $" (and {problems.Count - ShownProblems} more)" : "";
        return string.Join("; ", shown) + more;
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}
