using System.Globalization;
using Azure.Storage.Queues;
using NetPulse.Contracts;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Containers.Tests;

/// <summary>
/// The probe image as a LAN box runs it: non-root, raw ICMP with only NET_RAW added, the spool on a volume, settings
/// from the environment and a mounted targets file, its HEALTHCHECK from <c>status</c>, SIGTERM spooling the open batch.
/// </summary>
[Collection(ContainerTestGroup.Name)]
public sealed class ProbeContainerTests(ContainerImages images, ITestOutputHelper output) : IDisposable
{
    private const string ProbeId = "container-probe";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("netpulse-containers-").FullName;
    private readonly string _name = $"netpulse-test-{Guid.NewGuid():N}"[..28];

    private string SpoolPath => Path.Combine(_folder, "spool");

    private string TargetsPath => Path.Combine(_folder, "targets.json");

    public void Dispose()
    {
        Podman.RunAsync(["rm", "-f", "-t", "0", _name], CommandTimeout).GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [PodmanFact]
    public async Task With_NET_RAW_as_non_root_it_pings_a_namespace_host_sends_batches_turns_healthy_and_spools_the_open_batch_on_SIGTERM()
    {
        foreach (var size in images.Sizes)
        {
            output.WriteLine($"image {size}");
        }

        await using var azurite = await NetPulse.Testing.Azurite.StartAsync();
        await using var host = await NetworkNamespaceHost.CreateAsync();
        var queueName = $"containers-{Guid.NewGuid():N}"[..24];
        var queue = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await PrepareAsync(host.TargetAddress.ToString());

        // Host networking: Azurite listens on this machine's loopback and the namespace host is routed from here.
        await Podman.CheckedAsync(
            [
                "run", "-d", "--name", _name, "--network", "host", "--cap-add", "NET_RAW", .. Mounts(),
                "-e", $"Probe__Queue__ConnectionString={azurite.ConnectionString}", "-e", $"Probe__Queue__QueueName={queueName}",
                "-e", "Probe__IntervalSeconds=1", "-e", "NETPULSE_MAX_SILENCE=60", ContainerImages.Probe, "run",
            ],
            CommandTimeout);
        Assert.Equal("1654", (await Podman.CheckedAsync(["inspect", "--format", "{{.Config.User}}", _name], CommandTimeout)).Trim().Split(':')[0]);

        var batches = new List<PingBatch>();
        await WaitForAsync(async () => (batches = [.. batches, .. await ReceiveAsync(queue)]).Any(b => b.Targets.Any(t => t.Samples.Any(s => s.IsSuccess))), TimeSpan.FromSeconds(60), "a batch with a successful ping on the queue");
        var first = batches.First(b => b.Targets.Any(t => t.Samples.Any(s => s.IsSuccess)));
        Assert.Equal(ProbeId, first.ProbeId);
        Assert.Equal(host.TargetAddress.ToString(), Assert.Single(first.Targets).Host);

        // Podman runs a HEALTHCHECK on a systemd timer, absent here: run it as the timer would, and read the state it records.
        await WaitForAsync(async () => (await Podman.RunAsync(["healthcheck", "run", _name], CommandTimeout)).ExitCode == 0, TimeSpan.FromSeconds(30), "a passing health check");
        Assert.Equal("healthy", (await Podman.CheckedAsync(["inspect", "--format", "{{.State.Health.Status}}", _name], CommandTimeout)).Trim());

        // SIGTERM (podman stop) while a batch is open: every round up to the stop must reach the queue.
        var stoppedAt = DateTimeOffset.UtcNow;
        await Podman.CheckedAsync(["stop", "-t", "30", _name], CommandTimeout);
        Assert.Equal("0", (await Podman.CheckedAsync(["inspect", "--format", "{{.State.ExitCode}}", _name], CommandTimeout)).Trim());
        batches.AddRange(await ReceiveAsync(queue));
        var last = batches.SelectMany(b => b.Targets.SelectMany(t => t.Samples.Select(s => b.WindowStart.AddMilliseconds(s.OffsetMs)))).Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batches.Count} batches, sequences {string.Join(",", batches.Select(b => b.Sequence))}; last round {(stoppedAt - last).TotalSeconds:0.0} s before the stop"));
        Assert.True(last > stoppedAt.AddSeconds(-1.5), $"the last round on the queue is from {last:O}, {(stoppedAt - last).TotalSeconds:0.0} s before SIGTERM: the open batch was not sent");
        Assert.Empty(Directory.EnumerateFiles(SpoolPath, "*.batch*"));
    }

    /// <summary>
    /// Needs the ICMP datagram socket fallback (another branch): where neither a raw nor a datagram ICMP socket opens,
    /// the probe stops at start and says what to add, rather than pinging through a /usr/bin/ping the image lacks.
    /// </summary>
    [PodmanFact]
    public async Task Without_NET_RAW_and_with_unprivileged_ICMP_closed_it_exits_saying_what_to_add()
    {
        await PrepareAsync("127.0.0.1");

        CommandResult result;
        try
        {
            result = await Podman.RunAsync(
                ["run", "--name", _name, "--network", "none", "--sysctl", "net.ipv4.ping_group_range=1 0", .. Mounts(), ContainerImages.Probe, "run"],
                TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"the probe still ran 30 s after it started with no ICMP socket it may open; it must exit naming CAP_NET_RAW and net.ipv4.ping_group_range:\n{ex.Message}");
            throw;
        }

        output.WriteLine(result.All);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CAP_NET_RAW", result.All, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.ping_group_range", result.All, StringComparison.Ordinal);
    }

    /// <summary>A spool folder the container's user owns, holding the key <c>enroll</c> made in the image, and a targets file.</summary>
    private async Task PrepareAsync(string targetHost)
    {
        Directory.CreateDirectory(SpoolPath);
        await File.WriteAllTextAsync(TargetsPath, $$"""{ "Targets": [ { "Name": "container-target", "Host": "{{targetHost}}", "IntervalSeconds": 1 } ] }""");
        var chown = await Podman.ExecAsync("chown", ["1654:1654", SpoolPath], CommandTimeout);
        Assert.Equal(0, chown.ExitCode);
        await Podman.CheckedAsync(["run", "--rm", "--network", "none", .. Mounts(), ContainerImages.Probe, "enroll"], CommandTimeout);
        Assert.True(File.Exists(Path.Combine(SpoolPath, "probe.key")), "enroll in the container wrote no probe.key to the spool volume");
    }

    private string[] Mounts() =>
        ["-v", $"{SpoolPath}:/var/lib/netpulse-probe", "-v", $"{TargetsPath}:/etc/netpulse/targets.json:ro", "-e", $"Probe__Id={ProbeId}"];

    private static async Task<List<PingBatch>> ReceiveAsync(QueueClient queue)
    {
        if (!(await queue.ExistsAsync()).Value)
        {
            return [];
        }

        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        return [.. messages.Select(m => PingBatchCodec.Decode(SignedBatchMessage.Parse(m.Body.ToArray()).Batch.Span))];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {timeout.TotalSeconds:0} s");
            await Task.Delay(1000);
        }
    }
}
