using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NetPulse.Contracts;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The dev host as its own process (as run-local.sh and compose run it) through a storage outage: Azurite stopped for
/// longer than the storage SDK's retries last, then started again on the same ports and data. Before the fix the
/// queue listener's unhandled AggregateException ended the process about 20 s into the outage and ingestion never
/// came back.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    /// <summary>
    /// Longer than the listener's longest wait between polls (maxPollingInterval, 10 s) plus the Azure SDK's six tries
    /// (about 25 s of back-off), so that some poll fails all its tries inside the outage and the failure reaches the
    /// listener however the polls fall (30 s failed so, now and then, on a loaded machine).
    /// </summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(45);

    /// <summary>Azurite's autosave interval (5 s) and a margin.</summary>
    private static readonly TimeSpan AzuriteSave = TimeSpan.FromSeconds(6);

    /// <summary>The listener's pending retry cycle plus its back-off (maxPollingInterval 10 s) after storage returns.</summary>
    private static readonly TimeSpan Resume = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_dev_host_survives_azurite_stopping_and_ingests_again_when_it_returns_without_a_restart()
    {
        await using var azurite = await Azurite.StartPersistentAsync();
        foreach (var queue in new[] { "ping-batches", "ping-batches-poison" })
        {
            await new QueueClient(azurite.ConnectionString, queue).CreateIfNotExistsAsync();
        }

        using var probes = new TestProbes(azurite.ConnectionString);
        var probeId = "outage-" + Guid.NewGuid().ToString("N")[..8];
        await using var devHost = await DevHostProcess.StartAsync(azurite.ConnectionString, output);
        var pid = devHost.Id;

        await SendAsync(azurite, probes, Batch(probeId, sequence: 0));
        await WaitForStoredAsync(azurite, probeId, count: 1, devHost, TimeSpan.FromSeconds(30));

        // Azurite saves its database every 5 s and is killed, not stopped: let it save the probe's registration first.
        await Task.Delay(AzuriteSave);
        await azurite.StopAsync();
        await Task.Delay(Outage);
        devHost.AssertRunning("while Azurite was stopped");
        await azurite.StartAgainAsync();

        await SendAsync(azurite, probes, Batch(probeId, sequence: 1));
        await WaitForStoredAsync(azurite, probeId, count: 2, devHost, Resume);

        devHost.AssertRunning("after Azurite came back");
        Assert.Equal(pid, devHost.Id);
        var log = devHost.Log;
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);

        // Logged once when the queue endpoint stopped answering and once when it answered again, not on every poll.
        var queueEndpoint = $"http://127.0.0.1:{azurite.QueuePort}";
        Assert.Equal(1, Count(log, $"Storage at {queueEndpoint} does not answer"));
        Assert.Equal(1, Count(log, $"Storage at {queueEndpoint} answers again"));
    }

    private static async Task SendAsync(Azurite azurite, TestProbes probes, PingBatch batch)
    {
        var queue = new QueueClient(azurite.ConnectionString, "ping-batches", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(await probes.SignAsync(batch));
    }

    private static async Task WaitForStoredAsync(Azurite azurite, string probeId, int count, DevHostProcess devHost, TimeSpan patience)
    {
        var batches = new TableClient(azurite.ConnectionString, "batches");
        var filter = TableClient.CreateQueryFilter($"ProbeId eq {probeId}");
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                if ((await batches.QueryAsync<TableEntity>(filter).ToListAsync()).Count >= count)
                {
                    return;
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The table is made with the first batch.
            }

            devHost.AssertRunning($"while waiting for batch {count}");
            Assert.True(DateTime.UtcNow < deadline, $"batch {count} of {probeId} was not stored within {patience}; dev host log:\n{devHost.Log}");
            await Task.Delay(250);
        }
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static PingBatch Batch(string probeId, long sequence)
    {
        var now = DateTimeOffset.UtcNow;
        return new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = sequence,
            WindowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero),
            Targets =
            [
                new TargetSamples
                {
                    Name = "loopback",
                    Host = "127.0.0.1",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 150 + i))],
                },
            ],
        };
    }

    /// <summary>The built dev host (functions/NetPulse.DevHost/bin) in a process of its own, its console kept for the assertions.</summary>
    private sealed class DevHostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();
        private readonly string _mailFolder;

        private DevHostProcess(Process process, string mailFolder)
        {
            _process = process;
            _mailFolder = mailFolder;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public static async Task<DevHostProcess> StartAsync(string storage, ITestOutputHelper output)
        {
            // The same configuration as this test assembly (bin/<configuration>/<tfm>/).
            var testBin = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var dll = RepositoryPaths.Combine("functions", "NetPulse.DevHost", "bin", testBin.Parent!.Name, testBin.Name, "NetPulse.DevHost.dll");
            Assert.True(File.Exists(dll), $"the dev host is not built at {dll}");

            var port = FreePort();
            var mailFolder = Directory.CreateTempSubdirectory("netpulse-outage-mail-").FullName;
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            start.Environment["AzureWebJobsStorage"] = storage;
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["NetPulse__Smtp__From"] = "NetPulse <netpulse@example.org>";
            start.Environment["NetPulse__Smtp__To"] = "ops@example.org";
            start.Environment["NetPulse__Smtp__PickupFolder"] = mailFolder;
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";

            var devHost = new DevHostProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the dev host"), mailFolder);
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (true)
                {
                    devHost.AssertRunning("while starting");
                    try
                    {
                        using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                        if (health.StatusCode == HttpStatusCode.OK)
                        {
                            output.WriteLine($"dev host pid {devHost.Id} on port {port}");
                            return devHost;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                    catch (TaskCanceledException)
                    {
                        // Not answering yet.
                    }

                    Assert.True(DateTime.UtcNow < deadline, $"the dev host did not answer /api/health within 60 s; log:\n{devHost.Log}");
                    await Task.Delay(250);
                }
            }
            catch
            {
                await devHost.DisposeAsync();
                throw;
            }
        }

        public void AssertRunning(string when) =>
            Assert.False(_process.HasExited, $"the dev host (pid {_process.Id}) exited {when}; log:\n{Log}");

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            try
            {
                Directory.Delete(_mailFolder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(line);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
