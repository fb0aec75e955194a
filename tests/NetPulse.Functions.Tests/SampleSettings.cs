using System.Text.Json;
using NetPulse.Testing;

namespace NetPulse.Functions.Tests;

/// <summary>The "Values" of local.settings.sample.json, as configuration keys ("__" becomes ":", as Core Tools' environment would).</summary>
internal static class SampleSettings
{
    public static string Path => RepositoryPaths.Combine("local.settings.sample.json");

    public static Dictionary<string, string?> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path));
        return document.RootElement.GetProperty("Values")
            .EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());
    }
}
