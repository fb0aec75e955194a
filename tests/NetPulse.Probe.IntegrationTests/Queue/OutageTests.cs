using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Queue;

/// <summary>
/// The probe's link to the queue goes away and comes back: a real Azurite is killed and started again
/// on its data while synthetic samples keep pouring through the real batcher, spool and sender.
/// </summary>
public sealed class OutageTests
{
    private const int TargetCount = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly ITestOutputHelper _output;

    public OutageTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Every_batch_made_before_during_and_after_an_outage_arrives_once_in_order_exactly_as_spooled()
    {
        await using var azurite = await Azurite.StartPersistentAsync();
        const string queueName = "ping-batches";
        await using var harness = new SpoolHarness(_output, "probe-outage");
        var targets = Targets();
        var channel = new SampleChannel();
        var batcher = new Batcher(
            channel,
            harness.Spool,
            new LiveTargets(targets),
            Options.Create(new ProbeOptions { Id = "probe-outage", Batching = { CalmWindow = TimeSpan.FromSeconds(0.25), UrgentWindow = TimeSpan.FromSeconds(0.25) } }),
            TimeProvider.System,
            new TestLog(_output).For<Batcher>());
        using var stopBatcher = new CancellationTokenSource();
        var batching = batcher.RunAsync(stopBatcher.Token);
        var feeder = new SampleFeeder(channel, targets);
        await using var receiver = new QueueReceiver(azurite.ConnectionString, queueName);
        harness.StartSender(SpoolHarness.Client(azurite.ConnectionString, queueName));

        // Before: the link is up and the backlog stays near zero.
        await feeder.FeedForAsync(TimeSpan.FromSeconds(1.5));
        await WaitUntilQuietAsync(harness, receiver);
        Log($"before the outage: {harness.Spool.NextSequence} batches sent");

        // During: the queue is gone; probing and batching go on and the spool grows.
        await azurite.StopAsync();
        await feeder.FeedForAsync(TimeSpan.FromSeconds(4));
        var duringOutage = harness.Spool.Status;
        Log($"during the outage: {duringOutage.BatchCount} batches waiting, next sequence {duringOutage.NextSequence}");
        Assert.True(duringOutage.BatchCount >= 8, $"the spool should have grown, holds {duringOutage.BatchCount}");
        Assert.Equal(duringOutage.NextSequence - (duringOutage.LastSentSequence + 1), duringOutage.BatchCount);

        // After: the backlog drains oldest first while new batches keep coming.
        await azurite.StartAgainAsync();
        await feeder.FeedForAsync(TimeSpan.FromSeconds(1.5));
        await stopBatcher.CancelAsync();
        await batching.WaitAsync(Patience);
        await WaitUntilAllSentAndReceivedAsync(harness, receiver);

        var produced = harness.Spool.NextSequence;
        var messages = receiver.Messages;
        var sequences = messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence).ToList();
        Log($"{produced} batches produced, {messages.Count} distinct messages received, {receiver.Replays} Azurite replays ignored");

        // Every batch arrived exactly once (the sender was never cut off mid-request, so no duplicate
        // is allowed here), in the order it was made, byte for byte as it was spooled.
        Assert.Equal(Enumerable.Range(0, (int)produced).Select(i => (long)i), sequences);
        Assert.All(messages.Zip(sequences), p => Assert.Equal(harness.SpooledBodies[p.Second], p.First.Body));

        // And the batches hold every sample that was fed, once.
        var received = messages
            .Select(m => PingBatchCodec.Decode(m.Body))
            .SelectMany(b => b.Targets.SelectMany(t => t.Samples.Select(s => (t.Name, b.WindowStart.AddMilliseconds(s.OffsetMs), s.Value))))
            .Order()
            .ToList();
        Assert.Equal(feeder.Fed.Order(), received);

        // The outage was logged once and the recovery once, not once per attempt.
        var senderLog = harness.SenderLog.Entries;
        Assert.Single(senderLog, e => e.Level == LogLevel.Warning && e.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Single(senderLog, e => e.Message.Contains("reachable again", StringComparison.Ordinal));
        Assert.True(senderLog.Count(e => e.Message.Contains("Send attempt", StringComparison.Ordinal)) >= 2);
    }

    private static IReadOnlyList<ProbeTarget> Targets() =>
        [.. Enumerable.Range(0, TargetCount).Select(i => new ProbeTarget
        {
            Index = i,
            Settings = new TargetSettings
            {
                Name = $"host-{i:D2}",
                Host = $"10.200.1.{i + 1}",
                IntervalMs = 1000,
            },
            Timeout = TimeSpan.FromMilliseconds(500),
        })];

    /// <summary>
    /// Waits until the last fed samples are spooled, sent and received, so that killing Azurite cuts no
    /// request in half: the only way a batch could be sent twice (the queue stored it, the answer was
    /// lost, the sender tried again) is then ruled out, and the test can demand exactly once.
    /// </summary>
    private static async Task WaitUntilQuietAsync(SpoolHarness harness, QueueReceiver receiver)
    {
        long before;
        do
        {
            before = harness.Spool.NextSequence;
            await Task.Delay(TimeSpan.FromSeconds(0.6)); // two batch windows
            await WaitUntilAllSentAndReceivedAsync(harness, receiver);
        }
        while (harness.Spool.NextSequence != before);
    }

    private static async Task WaitUntilAllSentAndReceivedAsync(SpoolHarness harness, QueueReceiver receiver)
    {
        await harness.WaitUntilEmptyAsync(Patience);
        var produced = harness.Spool.NextSequence;
        await receiver.WaitForAsync(m => m.Count >= produced, Patience);
    }

    private void Log(string line) => _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    /// <summary>
    /// Plays the ICMP engine at a hundred times real speed: every 10 ms one round of every target, each
    /// round one (synthetic) second after the last, with made-up RTTs and the odd timeout.
    /// </summary>
    private sealed class SampleFeeder
    {
        private static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

        private readonly SampleChannel _channel;
        private readonly IReadOnlyList<ProbeTarget> _targets;
        private readonly ConcurrentQueue<(string Name, DateTimeOffset At, int Value)> _fed = new();
        private int _round;

        public SampleFeeder(SampleChannel channel, IReadOnlyList<ProbeTarget> targets)
        {
            _channel = channel;
            _targets = targets;
        }

        public IReadOnlyList<(string Name, DateTimeOffset At, int Value)> Fed => [.. _fed];

        public async Task FeedForAsync(TimeSpan duration)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            var end = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < end && await timer.WaitForNextTickAsync())
            {
                var round = _round++;
                foreach (var target in _targets)
                {
                    var at = T0.AddSeconds(round).AddMilliseconds(target.Index * 37);
                    var sample = (round + target.Index) % 17 == 0
                        ? new PingSample(target.Index, at, PingStatus.Timeout, null, TimeSpan.Zero)
                        : new PingSample(target.Index, at, PingStatus.Ok, TimeSpan.FromMicroseconds(200 + (round % 900) + target.Index), TimeSpan.Zero);
                    Assert.True(_channel.Writer.TryWrite(sample), "the sample channel is full: the batcher fell behind");
                    _fed.Enqueue((target.Name, at, sample.Rtt is { } rtt ? (int)(rtt.Ticks / 10) : -(int)PingStatus.Timeout));
                }
            }
        }
    }
}
