using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Containers.Tests;

/// <summary>
/// <c>compose.yaml</c> as a user runs it: docker-compose drives podman (through <c>podman system service</c>), the
/// stack starts in the order its health checks and conditions give, the probe's samples reach the API and the
/// dashboard answers on the published port; then it comes down with its volumes.
/// </summary>
[Collection(ContainerTestGroup.Name)]
public sealed class ComposeTests(ContainerImages images, ITestOutputHelper output)
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(4);

    [PodmanFact]
    public async Task Compose_up_gives_a_stack_whose_probe_samples_reach_the_API_and_whose_dashboard_answers()
    {
        Assert.NotNull(images);
        var project = $"netpulse-test-{Environment.ProcessId}";
        var socket = Path.Combine(Path.GetTempPath(), $"{project}.sock");
        var port = FreePort();
        using var service = StartService(socket);
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = $"unix://{socket}",
            ["NETPULSE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["COMPOSE_HTTP_TIMEOUT"] = "240",
        };
        using var stopHealth = new CancellationTokenSource();
        var health = RunHealthChecksAsync(project, stopHealth.Token);
        var started = Stopwatch.StartNew();
        try
        {
            await WaitForSocketAsync(socket);
            var up = await Compose(environment, project, ["up", "-d", "--no-build"], UpTimeout);
            output.WriteLine(up.All);
            Assert.True(up.ExitCode == 0, $"docker-compose up exited {up.ExitCode}: {up.All}");
            output.WriteLine($"up in {started.Elapsed.TotalSeconds:0} s");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            JsonElement target = default;
            while (true)
            {
                using (var targets = JsonDocument.Parse(await http.GetStringAsync("/api/targets")))
                {
                    var found = targets.RootElement.GetProperty("targets").EnumerateArray()
                        .Where(t => t.GetProperty("name").GetString() == "probe-loopback").ToList();
                    if (found.Count == 1 && found[0].ToString().Contains("compose-probe", StringComparison.Ordinal))
                    {
                        target = found[0].Clone();
                        break;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"no sample of the compose probe's probe-loopback target in GET /api/targets within 2 min:\n{await LogsAsync(environment, project)}");
                await Task.Delay(2000);
            }

            output.WriteLine($"sample in the API after {started.Elapsed.TotalSeconds:0} s: {target}");
            var page = await http.GetStringAsync("/");
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
            using var config = JsonDocument.Parse(await http.GetStringAsync("/config.json"));
            Assert.Equal("/api", config.RootElement.GetProperty("apiBaseUrl").GetString());
        }
        finally
        {
            var down = await Compose(environment, project, ["down", "-v", "-t", "20"], UpTimeout);
            output.WriteLine($"down: exit {down.ExitCode}, {started.Elapsed.TotalSeconds:0} s in all");
            await stopHealth.CancelAsync();
            await health;
            service.Kill(entireProcessTree: true);
            File.Delete(socket);
            Assert.Equal(0, down.ExitCode);
        }

        var left = await Podman.CheckedAsync(["ps", "-a", "-q", "--filter", $"label=com.docker.compose.project={project}"], TimeSpan.FromSeconds(30));
        Assert.True(left.Trim().Length == 0, $"containers left after down: {left}");
    }

    private static Task<CommandResult> Compose(Dictionary<string, string> environment, string project, string[] args, TimeSpan timeout) =>
        Podman.ExecAsync("docker-compose", ["-p", project, "-f", RepositoryPaths.Combine("compose.yaml"), .. args], timeout, environment);

    private static async Task<string> LogsAsync(Dictionary<string, string> environment, string project) =>
        (await Compose(environment, project, ["logs", "--no-color", "--tail", "40"], TimeSpan.FromSeconds(60))).All;

    /// <summary>Podman's API service on a socket of this test's own, so docker-compose drives it as it would Docker.</summary>
    private static Process StartService(string socket)
    {
        File.Delete(socket);
        var start = new ProcessStartInfo("podman") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "system", "service", "--time=0", $"unix://{socket}" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("podman system service did not start");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task WaitForSocketAsync(string socket)
    {
        for (var i = 0; i < 100 && !File.Exists(socket); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(File.Exists(socket), $"podman system service made no socket at {socket} within 10 s");
    }

    /// <summary>
    /// Podman schedules a container's HEALTHCHECK with a systemd timer, and this machine has no systemd: run each
    /// check every 2 s as the timer would, so the health that depends_on waits for is real.
    /// </summary>
    private static async Task RunHealthChecksAsync(string project, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var ids = await Podman.RunAsync(["ps", "-q", "--filter", $"label=com.docker.compose.project={project}"], TimeSpan.FromSeconds(30), cancellationToken);
                foreach (var id in ids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    await Podman.RunAsync(["healthcheck", "run", id], TimeSpan.FromSeconds(30), cancellationToken);
                }

                await Task.Delay(2000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
