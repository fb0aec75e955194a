using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetPulse.Contracts;
using NetPulse.Probe.IntegrationTests.Queue;
using NetPulse.Probe.Spool;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Crash;

/// <summary>
/// The real probe process, pinging loopback targets, killed with SIGKILL while it writes its spool and started
/// again, then run against Azurite: what the spool promises (nothing spooled is lost, nothing sent twice, every
/// file a crash tore is set aside and said) is checked from outside, on the queue and the disk.
/// </summary>
public sealed class ProbeCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ProbeId = "crash-probe";
    private const int Kills = 6;

    private readonly string _folder = Directory.CreateTempSubdirectory("netpulse-crash-").FullName;
    private readonly string _queueName = "crash-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _probeLines = [];
    private Azurite? _azurite;

    private string SpoolPath => Path.Combine(_folder, "spool");

    private Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started");

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Directory.CreateDirectory(SpoolPath);

        // Enrolled, as a probe must be to start.
        using (var identity = new TestProbe(ProbeId))
        {
            identity.WriteKeyFile(SpoolPath);
        }

        var targets = Enumerable.Range(2, 10).Select(i => $$"""{ "Name": "lo-{{i}}", "Host": "127.0.0.{{i}}" }""");
        await File.WriteAllTextAsync(Path.Combine(_folder, "targets.json"), $$"""{ "Targets": [ {{string.Join(", ", targets)}} ] }""");
    }

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Killed_while_spooling_again_and_again_the_probe_then_delivers_every_spooled_batch_exactly_once()
    {
        var unreachable = Settings(UnreachableQueue());
        for (var kill = 0; kill < Kills; kill++)
        {
            await KillDuringASpoolWriteAsync(unreachable, kill);
        }

        var afterCrashes = SpoolStatusReader.Read(SpoolPath);
        output.WriteLine($"after {Kills} kills: {afterCrashes}");
        Assert.True(afterCrashes.NextSequence >= 2, $"only {afterCrashes.NextSequence} batches were spooled in {Kills} runs");
        Assert.True(
            SetAside().Any() || _probeLines.Any(l => l.Contains("Recovered batch", StringComparison.Ordinal)),
            "no kill landed in a write: nothing was torn or recovered");

        await using var receiver = new QueueReceiver(Azurite.ConnectionString, _queueName);
        await using (var probe = Start(Settings(Azurite.ConnectionString), "drain"))
        {
            await receiver.WaitForAsync(m => Sequences(m).Count(s => s < afterCrashes.NextSequence) >= afterCrashes.NextSequence, TimeSpan.FromSeconds(30));
            Assert.Equal(0, await probe.StopAsync(TimeSpan.FromSeconds(20)));

            // The draining run sets aside what the last kill tore: its warnings count too.
            _probeLines.AddRange(probe.Lines);
        }

        var final = await SettledAsync(receiver, SpoolPath);
        var sent = Sequences(receiver.Messages);
        output.WriteLine($"final: {final}; received {sent.Count} batches");

        // Every number the spool handed out either arrived once or still waits on disk; none is missing.
        var waiting = SpoolFile.ListIn(SpoolPath).Select(f => f.Sequence).ToList();
        Assert.Equal(sent.Distinct().Count(), sent.Count);
        Assert.Equal(LongRange(final.NextSequence), sent.Concat(waiting).Order());
        Assert.All(LongRange(afterCrashes.NextSequence), s => Assert.Contains(s, sent));
        Assert.All(receiver.Messages, m => Assert.Equal(ProbeId, PingBatchCodec.Decode(m.Body).ProbeId));

        // No interrupted write is left behind, and each file a kill tore was set aside with a warning naming it.
        Assert.Empty(Directory.EnumerateFiles(SpoolPath, "*.tmp"));
        foreach (var torn in SetAside())
        {
            Assert.Contains(_probeLines, l => l.Contains(torn, StringComparison.Ordinal) && l.Contains("unusable", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task With_a_garbled_state_file_the_probe_starts_says_what_it_did_and_never_numbers_a_batch_again()
    {
        await using var receiver = new QueueReceiver(Azurite.ConnectionString, _queueName);
        await using (var first = Start(Settings(Azurite.ConnectionString), "first"))
        {
            await receiver.WaitForAsync(m => m.Count >= 3, TimeSpan.FromSeconds(20));
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(20)));
        }

        var before = await SettledAsync(receiver, SpoolPath);
        var firstRun = Sequences(receiver.Messages);
        var waitingBefore = SpoolFile.ListIn(SpoolPath).Select(f => f.Sequence).ToList();
        output.WriteLine($"before garbling: {before}; waiting on disk: {string.Join(",", waitingBefore)}");
        await File.WriteAllTextAsync(Path.Combine(SpoolPath, "spool-state.json"), "{ \"nextSequence\": 12, \"lastSentSeq");

        await using (var second = Start(Settings(Azurite.ConnectionString), "second"))
        {
            await second.WaitForLineAsync(l => l.Contains("spool-state.json", StringComparison.Ordinal) && l.Contains("unusable", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
            await receiver.WaitForAsync(m => m.Count >= firstRun.Count + 3, TimeSpan.FromSeconds(20));
            Assert.Equal(0, await second.StopAsync(TimeSpan.FromSeconds(20)));
        }

        await SettledAsync(receiver, SpoolPath);
        var sent = Sequences(receiver.Messages);
        var secondRun = sent.Skip(firstRun.Count).ToList();
        output.WriteLine($"first run sent {string.Join(",", firstRun)}; second run sent {string.Join(",", secondRun)}");

        Assert.Equal(sent.Distinct().Count(), sent.Count);
        Assert.All(secondRun.Where(s => !firstRun.Contains(s)), s => Assert.True(s > firstRun.Max(), $"batch {s} is numbered below one already sent"));
        Assert.All(waitingBefore, s => Assert.Contains(s, sent));
        Assert.True(File.Exists(Path.Combine(SpoolPath, BatchSpool.CorruptFolderName, "spool-state.json")));
    }

    /// <summary>
    /// Starts the probe, lets it ping a little (a different while each time), then kills it the moment it next
    /// creates a batch's temporary file: in the write, before the rename, or just after; wherever it lands.
    /// </summary>
    private async Task KillDuringASpoolWriteAsync(IReadOnlyDictionary<string, string> settings, int round)
    {
        await using var probe = Start(settings, $"run {round}");
        await probe.WaitForLineAsync(l => l.Contains("Pinging", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromMilliseconds(200 * round));

        // At the first, second or third write of the run, so that whole batches pile up between the torn ones.
        var writesLeft = (round % 3) + 1;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(SpoolPath, "*.batch" + ".tmp");
        watcher.Created += (_, _) =>
        {
            if (Interlocked.Decrement(ref writesLeft) == 0)
            {
                probe.Kill();
                killed.TrySetResult();
            }
        };
        watcher.EnableRaisingEvents = true;
        if (await Task.WhenAny(killed.Task, Task.Delay(TimeSpan.FromSeconds(6))) != killed.Task)
        {
            output.WriteLine($"run {round}: not enough spool writes seen within 6 s; killed anyway");
        }

        await probe.KillAsync();
        _probeLines.AddRange(probe.Lines);
        output.WriteLine($"run {round}: killed; on disk {string.Join(", ", Directory.EnumerateFiles(SpoolPath).Select(Path.GetFileName).Order(StringComparer.Ordinal).TakeLast(3))}");
    }

    private ProbeProcess Start(IReadOnlyDictionary<string, string> settings, string label) => ProbeProcess.Start(settings, output, label);

    /// <summary>Once the probe is gone: waits until the queue has had nothing new for a second, and returns the spool's status.</summary>
    private static async Task<SpoolStatus> SettledAsync(QueueReceiver receiver, string spoolPath)
    {
        var seen = -1;
        for (var checks = 0; checks < 10 && receiver.Messages.Count != seen; checks++)
        {
            seen = receiver.Messages.Count;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return SpoolStatusReader.Read(spoolPath);
    }

    private IEnumerable<string> SetAside()
    {
        var corrupt = Path.Combine(SpoolPath, BatchSpool.CorruptFolderName);
        return Directory.Exists(corrupt) ? Directory.EnumerateFiles(corrupt).Select(Path.GetFileName).OfType<string>() : [];
    }

    private Dictionary<string, string> Settings(string connectionString) => new()
    {
        ["Probe:Id"] = ProbeId,
        ["Probe:TargetsFile"] = Path.Combine(_folder, "targets.json"),
        ["Probe:IntervalSeconds"] = "1",
        ["Probe:TimeoutMs"] = "500",
        ["Probe:Batching:UrgentWindow"] = "00:00:01",
        ["Probe:Spool:Path"] = SpoolPath,
        ["Probe:Queue:ConnectionString"] = connectionString,
        ["Probe:Queue:QueueName"] = _queueName,
    };

    /// <summary>Azurite's connection string with the queue on a loopback port nothing listens on: the link is down.</summary>
    private string UnreachableQueue()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return Azurite.ConnectionString.Replace(
            $"127.0.0.1:{Azurite.QueuePort.ToString(CultureInfo.InvariantCulture)}/",
            $"127.0.0.1:{closed.ToString(CultureInfo.InvariantCulture)}/",
            StringComparison.Ordinal);
    }

    private static List<long> Sequences(IReadOnlyList<ReceivedMessage> messages) =>
        [.. messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence)];

    private static IEnumerable<long> LongRange(long count) => Enumerable.Range(0, checked((int)count)).Select(i => (long)i);
}
