using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetPulse.Testing;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// run-local.sh when a port it needs is taken by another program: it must stop at once, naming the part and the port,
/// instead of taking the other program's answer for its own (issue 18: "NetPulse is running" while the dev host had
/// died with "address already in use"). The ports are checked before anything is installed, built or started, so
/// these runs take about a second and leave nothing behind.
/// </summary>
public sealed class RunLocalTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_taken_api_port_stops_the_run_naming_the_dev_host_and_the_port()
    {
        using var other = Occupy();
        var ports = new Ports { Api = Port(other) };

        var (code, output) = await RunAsync(ports);

        Assert.NotEqual(0, code);
        Assert.Contains($"the Functions dev host cannot start: 127.0.0.1:{ports.Api} (NETPULSE_API_PORT) is already taken by pid {Environment.ProcessId}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("NetPulse is running", output, StringComparison.Ordinal);
        AssertNothingListens(ports.Blob, ports.Queue, ports.Table, ports.Web);
    }

    [Fact]
    public async Task A_taken_azurite_port_that_is_not_azurite_stops_the_run_naming_azurite_and_the_port()
    {
        using var other = Occupy();
        var ports = new Ports { Queue = Port(other) };

        var (code, output) = await RunAsync(ports);

        Assert.NotEqual(0, code);
        Assert.Contains($"Azurite: 127.0.0.1:{ports.Queue} (NETPULSE_AZURITE_QUEUE_PORT) is already taken by pid {Environment.ProcessId}", output, StringComparison.Ordinal);
        Assert.Contains("which is not Azurite", output, StringComparison.Ordinal);
        AssertNothingListens(ports.Api, ports.Web);
    }

    [Fact]
    public async Task An_azurite_already_running_is_refused_saying_whose_data_it_holds()
    {
        await using var azurite = await Azurite.StartPersistentAsync();
        var ports = new Ports { Blob = azurite.BlobPort, Queue = azurite.QueuePort, Table = azurite.TablePort };

        var (code, output) = await RunAsync(ports);

        Assert.NotEqual(0, code);
        Assert.Contains($"Azurite: 127.0.0.1:{azurite.BlobPort} (NETPULSE_AZURITE_BLOB_PORT) is taken by an Azurite already running: pid ", output, StringComparison.Ordinal);
        Assert.Contains(", data in /tmp/netpulse-azurite-", output, StringComparison.Ordinal);
        Assert.Contains("NETPULSE_USE_RUNNING_AZURITE=1", output, StringComparison.Ordinal);
        AssertNothingListens(ports.Api, ports.Web);
    }

    private static async Task<(int Code, string Output)> RunAsync(Ports ports)
    {
        var data = Directory.CreateTempSubdirectory("netpulse-run-local-").FullName;
        try
        {
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepositoryPaths.Root,
            };
            start.ArgumentList.Add(RepositoryPaths.Combine("run-local.sh"));
            start.Environment["NETPULSE_DATA"] = data;
            start.Environment["NETPULSE_AZURITE_BLOB_PORT"] = Text(ports.Blob);
            start.Environment["NETPULSE_AZURITE_QUEUE_PORT"] = Text(ports.Queue);
            start.Environment["NETPULSE_AZURITE_TABLE_PORT"] = Text(ports.Table);
            start.Environment["NETPULSE_API_PORT"] = Text(ports.Api);
            start.Environment["NETPULSE_WEB_PORT"] = Text(ports.Web);
            start.Environment.Remove("NETPULSE_USE_RUNNING_AZURITE");

            using var run = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
            var stdout = run.StandardOutput.ReadToEndAsync();
            var stderr = run.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(Limit);
            try
            {
                await run.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                run.Kill(entireProcessTree: true);
                Assert.Fail($"run-local.sh did not stop within {Limit}");
            }

            return (run.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static void AssertNothingListens(params int[] ports)
    {
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            Assert.ThrowsAny<SocketException>(() => client.Connect(IPAddress.Loopback, port));
        }
    }

    private static TcpListener Occupy(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static int FreePort()
    {
        using var listener = Occupy();
        return Port(listener);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ports of a run: a free loopback port for each part unless set.</summary>
    private sealed class Ports
    {
        public int Blob { get; init; } = FreePort();

        public int Queue { get; init; } = FreePort();

        public int Table { get; init; } = FreePort();

        public int Api { get; init; } = FreePort();

        public int Web { get; init; } = FreePort();
    }
}
