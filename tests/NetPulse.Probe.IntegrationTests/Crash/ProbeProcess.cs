using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Crash;

/// <summary>
/// The built <c>netpulse-probe</c> (the probe project's own output, with its appsettings.json) running as a
/// process of its own, so a test can kill it as a crash or a power cut would, with nothing in the test's
/// process to soften the blow. Its console log is kept and shown in the test's output.
/// </summary>
public sealed class ProbeProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ITestOutputHelper _output;
    private readonly string _label;

    private ProbeProcess(System.Diagnostics.Process process, ITestOutputHelper output, string label)
    {
        _process = process;
        _output = output;
        _label = label;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the probe wrote to its console so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public bool HasExited => _process.HasExited;

    /// <summary>The probe as built next to its sources for the configuration this test was built in.</summary>
    public static string Executable { get; } = RepositoryPaths.Combine(
        "probe", "NetPulse.Probe", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "netpulse-probe");

    /// <summary>Starts <c>netpulse-probe run</c> with <paramref name="settings"/> as <c>--Key=Value</c> overrides.</summary>
    public static ProbeProcess Start(IReadOnlyDictionary<string, string> settings, ITestOutputHelper output, string label)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is not built: build probe/NetPulse.Probe first (building this test project does).");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("run");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        // One line per entry, so each can be matched on its own.
        start.Environment["Logging__Console__FormatterName"] = "systemd";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        return new ProbeProcess(process, output, label);
    }

    /// <summary>Waits until the probe has said something that <paramref name="condition"/> accepts.</summary>
    public async Task WaitForLineAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!_lines.Any(condition))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the probe ({_label}) exited with code {_process.ExitCode} before saying what was awaited");
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>SIGKILL at once, from any thread: no stopping, no flushing, no last words, as a crash or the OOM killer.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd stops the service: the probe spools what it holds and exits.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        try
        {
            _output.WriteLine($"[{_label}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended.
        }
    }
}
