using System.Diagnostics;
using System.Text;

namespace NetPulse.Containers.Tests;

/// <summary>What a finished command said.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}

/// <summary>Runs podman (rootful) and the other container tools as child processes, with a deadline.</summary>
public static class Podman
{
    private static readonly Lazy<string?> Blocker = new(FindBlocker);

    /// <summary>Why podman cannot run containers here, or null when it can.</summary>
    public static string? WhyNot => Blocker.Value;

    public static Task<CommandResult> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ExecAsync("podman", args, timeout, null, cancellationToken);

    /// <summary>Runs a command; throws when it outlives <paramref name="timeout"/> (after killing it), never for its exit code.</summary>
    public static async Task<CommandResult> ExecAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = NetPulse.Testing.RepositoryPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran longer than {timeout}: {output}{error}");
        }

        // The streams' last lines arrive after the exit: wait for their end.
        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs podman and throws, with what it said, unless it exits 0.</summary>
    public static async Task<string> CheckedAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var list = args.ToList();
        var result = await RunAsync(list, timeout, cancellationToken);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"podman {string.Join(' ', list)} exited {result.ExitCode}: {result.All}");
    }

    private static string? FindBlocker()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root: it runs rootful podman (sudo ./run-tests.sh)";
        }

        if (NetPulse.Testing.Network.NetworkEnvironment.FindTool("podman") is null)
        {
            return "needs podman (apt-get install podman buildah runc debootstrap docker-compose; run-tests.sh does it)";
        }

        try
        {
            var info = ExecAsync("podman", ["info", "--format", "{{.Host.OCIRuntime.Name}}"], TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            return info.ExitCode == 0 ? null : $"needs a working podman: podman info exited {info.ExitCode}: {info.Error.Trim()}";
        }
        catch (TimeoutException)
        {
            return "needs a working podman: podman info did not answer within 60 s";
        }
    }
}

/// <summary>A fact that runs containers. Skipped, with the reason, where podman cannot run; never under CI.</summary>
public sealed class PodmanFactAttribute : FactAttribute
{
    public PodmanFactAttribute()
    {
        Skip = NetPulse.Testing.RequiredEnvironment.SkipReason(Podman.WhyNot);
    }
}

/// <summary>Under CI the container tests run wherever they are, so this one names what the machine lacks when podman cannot run.</summary>
public sealed class PodmanEnvironmentTests
{
    [PodmanFact]
    public void Podman_runs_containers_here() => Assert.True(Podman.WhyNot is null, $"The container tests cannot run: this machine {Podman.WhyNot}.");
}
