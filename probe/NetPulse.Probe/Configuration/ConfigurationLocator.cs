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

        // A whole section (say, the target list) is named after where its first value came from.
        if (configuration is IConfigurationRoot sections)
        {
            foreach (var provider in sections.Providers.Reverse())
            {
                var child = provider.GetChildKeys([], key).FirstOrDefault();
                if (child is not null)
                {
                    return Describe($"{key}:{child}") is var found && found != "configuration" ? found : Describe($"{key}:{child}:{nameof(TargetOptions.Name)}");
                }
            }
        }

        return "configuration";
    }

    /// <summary>
    /// Binds the "Probe" section strictly, each target on its own first, to surface what the binder would
    /// otherwise let slip: a value of the wrong type (named with where it came from; the binder names only the
    /// key) and a misspelt key (which would silently leave a default in place).
    /// </summary>
    public void CheckBindsProbe() => CheckBinds(ProbeOptions.Section, targetList: false);

    /// <summary><see cref="CheckBindsProbe"/> for a targets file's top-level "Targets" array.</summary>
    public void CheckBindsTargets() => CheckBinds("Targets", targetList: true);

    private void CheckBinds(string section, bool targetList)
    {
        var configurationSection = configuration.GetSection(section);
        if (!configurationSection.Exists())
        {
            return;
        }

        // List elements that fail to bind are dropped without a word, so bind each target on its own first:
        // an error then names the target's own key.
        var targets = targetList ? configurationSection : configurationSection.GetSection(nameof(ProbeOptions.Targets));
        foreach (var target in targets.GetChildren())
        {
            Bind(target, static s => s.Get<TargetOptions>(Strict));
        }

        if (!targetList)
        {
            Bind(configurationSection, static s => s.Get<ProbeOptions>(Strict));
        }
    }

    private static void Strict(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;

    /// <summary>
    /// Runs one strict bind. Each bind names its type outright (no generic <c>Get&lt;T&gt;</c>) so the configuration
    /// binding generator emits code for it: the published probe is Native AOT and has no reflection binder.
    /// </summary>
    private void Bind(IConfigurationSection section, Func<IConfigurationSection, object?> bind)
    {
        try
        {
            _ = bind(section);
        }
        catch (InvalidOperationException ex)
        {
            // With ErrorOnUnknownConfiguration the binder wraps the useful message one or two levels down.
            for (Exception? e = ex; e is not null; e = e.InnerException)
            {
                if (BinderKey().Match(e.Message) is { Success: true } badValue)
                {
                    var key = badValue.Groups["key"].Value;
                    throw new ProbeConfigurationException(
                        $"{Describe(key)}: {key}: '{configuration[key]}' is not a valid {FriendlyType(badValue.Groups["type"].Value)}", ex);
                }

                if (UnknownKeys().Match(e.Message) is { Success: true } unknown)
                {
                    var key = $"{section.Path}:{unknown.Groups["keys"].Value.Split(',')[0].Trim(' ', '\'')}";
                    throw new ProbeConfigurationException(
                        $"{Describe(key)}: {section.Path}: unknown setting(s) {unknown.Groups["keys"].Value}; check the spelling against the README's configuration reference", ex);
                }
            }

            throw;
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

    [System.Text.RegularExpressions.GeneratedRegex("properties were not found on the instance of [^:]+: (?<keys>.+)$")]
    private static partial System.Text.RegularExpressions.Regex UnknownKeys();

    [System.Text.RegularExpressions.GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex BinderKey();

    private static string FilePath(FileConfigurationSource source)
    {
        var root = (source.FileProvider as Microsoft.Extensions.FileProviders.PhysicalFileProvider)?.Root;
        return root is null || source.Path is null ? source.Path ?? "a JSON file" : Path.Combine(root, source.Path);
    }
}
