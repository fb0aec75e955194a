using NetPulse.Testing;

namespace NetPulse.Containers.Tests;

/// <summary>Every Dockerfile passes dockerfilelint (run offline from tools/dockerfilelint) and takes its base images as build arguments.</summary>
public sealed class DockerfileLintTests
{
    public static readonly TheoryData<string> Dockerfiles = new()
    {
        "probe/Dockerfile",
        "functions/NetPulse.DevHost/Dockerfile",
        "functions/NetPulse.Functions/Dockerfile",
        "tools/azurite/Dockerfile",
    };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task The_Dockerfile_passes_dockerfilelint(string dockerfile)
    {
        var lint = RepositoryPaths.Combine("tools", "dockerfilelint", "node_modules", ".bin", "dockerfilelint");
        Assert.True(File.Exists(lint), $"{lint} is missing: npm ci --prefix tools/dockerfilelint (run-tests.sh does it)");

        // Its rules file turns off one rule that predates images named by build arguments; the next test stands in for it.
        var result = await Podman.ExecAsync(lint, ["-c", RepositoryPaths.Combine("tools", "dockerfilelint"), RepositoryPaths.Combine(dockerfile)], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, $"dockerfilelint {dockerfile}:\n{result.All}");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task Every_FROM_names_an_image_argument_with_an_official_default(string dockerfile)
    {
        var lines = await File.ReadAllLinesAsync(RepositoryPaths.Combine(dockerfile));

        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(froms);
        foreach (var from in froms)
        {
            var image = from.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.Matches(@"^\$\{[A-Z_]+_IMAGE\}$", image);
            var name = image[2..^1];
            Assert.Contains(lines, l => l.StartsWith($"ARG {name}=mcr.microsoft.com/", StringComparison.Ordinal) || l.StartsWith($"ARG {name}=node:", StringComparison.Ordinal));
        }
    }
}
