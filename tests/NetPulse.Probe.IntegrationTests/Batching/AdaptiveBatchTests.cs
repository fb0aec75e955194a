using NetPulse.Contracts;
using NetPulse.Probe.IntegrationTests.Crash;
using NetPulse.Probe.IntegrationTests.Queue;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Batching;

/// <summary>
/// The real probe process with a 60 s calm window, pinging two hosts in a network namespace, its batches read off
/// an Azurite queue as they arrive: calm, it sends nothing; when the link is cut, the batch with the first failed
/// round is on the queue within a few seconds of that round, and so is the one with the first reply after it.
/// </summary>
public sealed class AdaptiveBatchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ProbeId = "adaptive-probe";

    /// <summary>
    /// The first failed round is known only at its timeout (500 ms); then the batcher's drain pause (100 ms), the
    /// spool's fsync, the signature and the queue put. Two seconds is the design's promise ("alerts in seconds") with
    /// room for a busy 2-core machine; the calm window it replaces is 60 s.
    /// </summary>
    private static readonly TimeSpan ChangeToQueue = TimeSpan.FromSeconds(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("netpulse-adaptive-").FullName;
    private readonly string _queueName = "adaptive-" + Guid.NewGuid().ToString("N")[..12];
    private Azurite? _azurite;

    private Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started");

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Directory.CreateDirectory(Path.Combine(_folder, "spool"));
        using var identity = new TestProbe(ProbeId);
        identity.WriteKeyFile(Path.Combine(_folder, "spool"));
    }

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [RootFact]
    public async Task Calm_the_probe_sends_nothing_and_a_cut_link_is_on_the_queue_within_seconds_of_the_first_failed_round()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync(2);
        var targets = network.TargetAddresses.Select((address, i) => $$"""{ "Name": "ns-{{i}}", "Host": "{{address}}" }""");
        await File.WriteAllTextAsync(Path.Combine(_folder, "targets.json"), $$"""{ "Targets": [ {{string.Join(", ", targets)}} ] }""");
        await using var receiver = new QueueReceiver(Azurite.ConnectionString, _queueName);
        await using var probe = ProbeProcess.Start(Settings(), output, "probe");
        await probe.WaitForLineAsync(l => l.Contains("Pinging", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var started = DateTimeOffset.UtcNow;

        // Calm (CalmAfter 0: calm from the start): nothing goes out for a good part of the 60 s window.
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.Empty(receiver.Messages);

        await network.TakeLinkDownAsync();
        var cutAt = DateTimeOffset.UtcNow;
        await receiver.WaitForAsync(m => m.Count >= 1, TimeSpan.FromSeconds(15));
        var downArrived = DateTimeOffset.UtcNow;
        var down = PingBatchCodec.Decode(receiver.Messages[0].Body);
        var firstFailure = Rounds(down).Where(r => !SampleValue.IsSuccess(r.Value)).Min(r => r.At);
        output.WriteLine($"cut at {cutAt:HH:mm:ss.fff}; first failed round {firstFailure:HH:mm:ss.fff}; batch 0 ({down.SampleCount} samples from {down.WindowStart:HH:mm:ss.fff}) on the queue at {downArrived:HH:mm:ss.fff}");

        // The first batch holds every round since the start, both targets' 20 s and more: nothing closed it before.
        Assert.Equal(0, down.Sequence);
        Assert.True(down.SampleCount >= 2 * 20, $"the first batch holds {down.SampleCount} rounds");
        Assert.True(downArrived - firstFailure <= ChangeToQueue, $"the failed round of {firstFailure:O} reached the queue {(downArrived - firstFailure).TotalSeconds:0.00} s later");
        Assert.True(downArrived - started < TimeSpan.FromSeconds(50), "the batch came with the calm window, not with the change");

        // A reply after failures closes the open batch at once too.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var before = receiver.Messages.Count;
        await network.BringLinkUpAsync();
        await receiver.WaitForAsync(m => FirstReplyAfter(m.Skip(before), firstFailure) is not null, TimeSpan.FromSeconds(15));
        var upArrived = DateTimeOffset.UtcNow;
        var firstReply = FirstReplyAfter(receiver.Messages.Skip(before), firstFailure)!.Value;
        output.WriteLine($"link up; first reply {firstReply:HH:mm:ss.fff} on the queue at {upArrived:HH:mm:ss.fff}; {receiver.Messages.Count} batches in all");
        Assert.True(upArrived - firstReply <= ChangeToQueue, $"the reply of {firstReply:O} reached the queue {(upArrived - firstReply).TotalSeconds:0.00} s later");

        Assert.Equal(0, await probe.StopAsync(TimeSpan.FromSeconds(20)));
    }

    private static IEnumerable<(string Target, DateTimeOffset At, int Value)> Rounds(PingBatch batch) =>
        batch.Targets.SelectMany(t => t.Samples.Select(s => (t.Name, batch.WindowStart.AddMilliseconds(s.OffsetMs), s.Value)));

    /// <summary>The first reply in <paramref name="messages"/> to a round after <paramref name="failure"/>: the link is back.</summary>
    private static DateTimeOffset? FirstReplyAfter(IEnumerable<ReceivedMessage> messages, DateTimeOffset failure) =>
        messages
            .SelectMany(m => Rounds(PingBatchCodec.Decode(m.Body)))
            .Where(r => r.At > failure && SampleValue.IsSuccess(r.Value))
            .Select(r => (DateTimeOffset?)r.At)
            .Min();

    private Dictionary<string, string> Settings() => new()
    {
        ["Probe:Id"] = ProbeId,
        ["Probe:TargetsFile"] = Path.Combine(_folder, "targets.json"),
        ["Probe:IntervalSeconds"] = "1",
        ["Probe:TimeoutMs"] = "500",
        ["Probe:Batching:CalmWindow"] = "00:01:00",
        ["Probe:Batching:CalmAfter"] = "00:00:00",
        ["Probe:Spool:Path"] = Path.Combine(_folder, "spool"),
        ["Probe:Queue:ConnectionString"] = Azurite.ConnectionString,
        ["Probe:Queue:QueueName"] = _queueName,
    };
}
