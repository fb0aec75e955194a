using System.Text.RegularExpressions;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests;

/// <summary>
/// The layers of docs/ARCHITECTURE.md, held to the project files: a reference that is not in this table (a layer
/// reaching sideways or up) fails here, with the line to add to the table and the doc if the new arrow is meant.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["NetPulse.Contracts"] = [],
        ["NetPulse.Monitoring.Storage"] = ["NetPulse.Contracts"],
        ["NetPulse.Monitoring.Mail"] = [],
        ["NetPulse.Monitoring.Incidents"] = ["NetPulse.Monitoring.Storage"],
        ["NetPulse.Monitoring.Rollups"] = ["NetPulse.Monitoring.Storage"],
        ["NetPulse.Monitoring.Ingestion"] = ["NetPulse.Monitoring.Incidents", "NetPulse.Monitoring.Rollups"],
        ["NetPulse.Monitoring.Reports"] = ["NetPulse.Monitoring.Incidents", "NetPulse.Monitoring.Mail"],
        ["NetPulse.Monitoring.Alerts"] = ["NetPulse.Monitoring.Incidents", "NetPulse.Monitoring.Mail"],
        ["NetPulse.Monitoring.Api"] = ["NetPulse.Monitoring.Incidents", "NetPulse.Monitoring.Reports", "NetPulse.Monitoring.Evidence"],
        ["NetPulse.Monitoring.Evidence"] = ["NetPulse.Monitoring.Reports"],
        ["NetPulse.Monitoring"] = ["NetPulse.Monitoring.Ingestion", "NetPulse.Monitoring.Alerts", "NetPulse.Monitoring.Api", "NetPulse.Monitoring.Evidence"],
        ["NetPulse.Functions"] = ["NetPulse.Monitoring"],
        ["NetPulse.DevHost"] = ["NetPulse.Monitoring"],
        ["NetPulse.Probe"] = ["NetPulse.Contracts"],
    };

    public static TheoryData<string> Projects() => [.. ProjectPaths()];

    private static IEnumerable<string> ProjectPaths() =>
        Directory.GetFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}functions{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || p.Contains($"{Path.DirectorySeparatorChar}probe{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(RepositoryPaths.Root, p))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_the_layers_below_it(string project)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        Assert.True(Allowed.TryGetValue(name, out var allowed), $"{project} is not in the layer table: add it here and to docs/ARCHITECTURE.md");

        var references = ProjectReference().Matches(File.ReadAllText(RepositoryPaths.Combine(project)))
            .Select(m => Path.GetFileNameWithoutExtension(m.Groups["path"].Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal);

        Assert.Equal(allowed.Order(StringComparer.Ordinal), references);
    }

    [Fact]
    public void The_table_has_no_cycle_and_names_only_projects_that_exist()
    {
        var names = ProjectPaths().Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(names.Order(StringComparer.Ordinal), Allowed.Keys.Order(StringComparer.Ordinal));

        foreach (var start in Allowed.Keys)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>(Allowed[start]);
            while (queue.TryDequeue(out var next))
            {
                Assert.NotEqual(start, next);
                if (seen.Add(next))
                {
                    foreach (var below in Allowed[next])
                    {
                        queue.Enqueue(below);
                    }
                }
            }
        }
    }

    [GeneratedRegex("<ProjectReference Include=\"(?<path>[^\"]+)\"")]
    private static partial Regex ProjectReference();
}
