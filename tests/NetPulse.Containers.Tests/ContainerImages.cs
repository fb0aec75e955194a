using System.Globalization;
using NetPulse.Testing;

namespace NetPulse.Containers.Tests;

/// <summary>
/// Builds NetPulse's images once per test run from the repository's Dockerfiles, on the local Debian base that
/// scripts/container-base.sh makes (cached between runs on one machine, rebuilt when missing), with no network:
/// the host's .NET SDK, NuGet packages and npm cache are mounted into the build, as a registry-less CI needs.
/// The tags are the ones compose.yaml names, so the compose test runs exactly these images.
/// </summary>
public sealed class ContainerImages : IAsyncLifetime
{
    public const string Probe = "localhost/netpulse-probe:local";
    public const string Azurite = "localhost/netpulse-azurite:local";
    public const string DevHost = "localhost/netpulse-devhost:local";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Each image's size as podman reports it, e.g. "netpulse-probe:local 219 MB", for the run's log.</summary>
    public IReadOnlyList<string> Sizes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (Podman.WhyNot is not null)
        {
            return; // the tests skip (or, under CI, fail) with the reason
        }

        var baseImage = await ScriptAsync();
        var nodeImage = await ScriptAsync("--node");

        // The offline build restores from the host's package folder: make sure it holds the linux-x64 runtime packs.
        foreach (var project in new[] { "probe/NetPulse.Probe/NetPulse.Probe.csproj", "functions/NetPulse.DevHost/NetPulse.DevHost.csproj" })
        {
            var restore = await Podman.ExecAsync("dotnet", ["restore", project, "-r", "linux-x64", "-v", "q", "-nologo"], BuildTimeout);
            Assert.True(restore.ExitCode == 0, $"dotnet restore {project} -r linux-x64: {restore.All}");
        }

        await BuildAsync(Probe, "probe/Dockerfile", baseImage, nodeImage);
        await BuildAsync(Azurite, "tools/azurite/Dockerfile", baseImage, nodeImage);
        await BuildAsync(DevHost, "functions/NetPulse.DevHost/Dockerfile", baseImage, nodeImage);

        var sizes = await Podman.CheckedAsync(
            ["images", "--filter", "reference=localhost/netpulse-*:local", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}"], TimeSpan.FromSeconds(30));
        Sizes = sizes.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> ScriptAsync(params string[] args)
    {
        var result = await Podman.ExecAsync(RepositoryPaths.Combine("scripts", "container-base.sh"), args, BuildTimeout);
        Assert.True(result.ExitCode == 0, $"scripts/container-base.sh {string.Join(' ', args)} exited {result.ExitCode}: {result.All}");
        return result.Output.Trim().Split('\n')[^1].Trim();
    }

    private static async Task BuildAsync(string tag, string dockerfile, string baseImage, string nodeImage)
    {
        var dotnetRoot = Path.GetDirectoryName(new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(true)?.FullName ?? "/usr/share/dotnet/dotnet")!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var npmCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".npm");
        var started = DateTime.UtcNow;
        var result = await Podman.RunAsync(
            [
                "build", "--format", "docker", "--network", "none", "--layers",
                "-v", $"{dotnetRoot}:/usr/share/dotnet:ro",
                "-v", $"{packages}:/root/.nuget/packages:ro",
                "-v", $"{npmCache}:/root/.npm",
                "--build-arg", $"BASE_IMAGE={baseImage}",
                "--build-arg", $"SDK_IMAGE={baseImage}",
                "--build-arg", $"NODE_IMAGE={nodeImage}",
                "--build-arg", "NPM_OPTIONS=--offline",
                // The package folder is the only source: versions the central file names but the folder lacks resolve
                // to the nearest there (NU1603), as they do against the partial mirror.
                "--build-arg", "PUBLISH_OPTIONS=-p:NuGetAudit=false --source /root/.nuget/packages",
                "-f", dockerfile, "-t", tag, ".",
            ],
            BuildTimeout);
        Assert.True(result.ExitCode == 0, $"podman build -f {dockerfile} exited {result.ExitCode}:\n{Tail(result.All)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"built {tag} from {dockerfile} in {(DateTime.UtcNow - started).TotalSeconds:0} s"));
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];
}

[CollectionDefinition(Name)]
public sealed class ContainerTestGroup : ICollectionFixture<ContainerImages>
{
    public const string Name = "containers";
}
