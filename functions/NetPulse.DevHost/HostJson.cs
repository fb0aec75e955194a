namespace NetPulse.DevHost;

/// <summary>
/// Reads the Functions app's host.json (copied beside the dev host) into the WebJobs SDK's configuration
/// section, so the queue trigger here polls, batches and retries exactly as in Azure, and its log levels into
/// "Logging:LogLevel", so the dev host logs what the Functions host would (Logging__LogLevel__&lt;category&gt; overrides).
/// </summary>
internal static class HostJson
{
    /// <summary>The WebJobs SDK binds extension options from "AzureWebJobs:extensions:&lt;name&gt;".</summary>
    private const string WebJobsPrefix = "AzureWebJobs";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "host.json");

    public static IEnumerable<KeyValuePair<string, string?>> Load()
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException(
                $"host.json is missing beside the dev host ({Path}); it is copied from functions/NetPulse.Functions at build time.", Path);
        }

        var hostJson = new ConfigurationBuilder().AddJsonFile(Path, optional: false).Build();
        var logLevels = hostJson.GetSection("logging:logLevel");
        return hostJson.GetSection("extensions")
            .AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => new KeyValuePair<string, string?>($"{WebJobsPrefix}:{pair.Key}", pair.Value))
            .Concat(logLevels.GetChildren().Select(level => new KeyValuePair<string, string?>($"Logging:LogLevel:{level.Key}", level.Value)))
            .ToList();
    }
}
