using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace NetPulse.Probe.Configuration;

/// <summary>
/// Says where a configuration key came from (which JSON file, which environment variable), so an
/// error can point a person at the line to fix rather than at a merged view they never wrote.
/// </summary>
public sealed partial class ConfigurationLocator(IConfiguration configuration)
{
    public string Describe(string key)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (!provider.TryGet(key, out _))
                {
                    continue;
                }

                return provider switch
                {
                    JsonConfigurationProvider json => FilePath(json.Source),
                    EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                    Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => "command line",
                    _ => provider.ToString() ?? "configuration",
                };
            }
        }

        return "configuration";
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> to surface a value of the wrong type as
    /// a <see cref="ProbeConfigurationException"/> naming where it came from (the binder names only the key).
    /// </summary>
    public void CheckBinds<T>(string section)
    {
        try
        {
            _ = configuration.GetSection(section).Get<T>();
        }
        catch (InvalidOperationException ex) when (BinderKey().Match(ex.Message) is { Success: true } match)
        {
            var key = match.Groups["key"].Value;
            throw new ProbeConfigurationException(
                $"{Describe(key)}: {key}: '{configuration[key]}' is not a valid {FriendlyType(match.Groups["type"].Value)}", ex);
        }
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "whole number",
        "System.Double" or "System.Nullable`1[System.Double]" => "number",
        "System.Boolean" => "true/false value",
        "System.Uri" => "URI",
        _ when type.Contains("Int32", StringComparison.Ordinal) => "whole number",
        _ when type.Contains("Double", StringComparison.Ordinal) => "number",
        _ => type,
    };

    [System.Text.RegularExpressions.GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex BinderKey();

    private static string FilePath(FileConfigurationSource source)
    {
        var root = (source.FileProvider as Microsoft.Extensions.FileProviders.PhysicalFileProvider)?.Root;
        return root is null || source.Path is null ? source.Path ?? "a JSON file" : Path.Combine(root, source.Path);
    }
}
