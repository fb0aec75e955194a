using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Batching;

public sealed class BatcherTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestLog _log = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_window_closes_into_one_batch_with_the_targets_metadata_and_offsets_from_the_earliest_sample()
    {
        var targets = TestTargets.Plain(3);
        await using var run = Start(targets);

        // Sub-millisecond schedule times: the window start and the offsets are whole milliseconds.
        for (var round = 0; round < 10; round++)
        {
            for (var t = 0; t < 3; t++)
            {
                var scheduled = T0.AddSeconds(round).AddMilliseconds((t * 100) + 0.7);
                Write(run, new PingSample(t, scheduled, PingStatus.Ok, TimeSpan.FromMicroseconds(1500 + round), TimeSpan.Zero));
            }
        }

        Assert.Equal(0, run.Spool.NextSequence);
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(1);

        var batch = Assert.Single(await run.SentAsync());
        Assert.Equal(0, batch.Sequence);
        Assert.Equal("probe-1", batch.ProbeId);
        Assert.Equal(T0, batch.WindowStart);
        Assert.Equal(30, batch.SampleCount);
        var gateway = batch.Targets[0];
        Assert.Equal(("target-0", "10.200.0.1", "uplink", "ISP gateway", true, 1000, 50, 2.5), (gateway.Name, gateway.Host, gateway.Category, gateway.Description, gateway.Uplink, gateway.IntervalMs, gateway.LatencyThresholdMs, gateway.LossThresholdPercent));
        Assert.Equal(Enumerable.Range(0, 10).Select(r => new WireSample(r * 1000, 1500 + r)), gateway.Samples);
        Assert.Equal(200, batch.Targets[2].Samples[0].OffsetMs);
    }

    [Fact]
    public async Task Each_window_makes_the_next_batch_in_sequence()
    {
        await using var run = Start(TestTargets.Plain(2));

        for (var window = 0; window < 3; window++)
        {
            for (var second = 0; second < 10; second++)
            {
                Write(run, Ok(0, T0.AddSeconds((window * 10) + second)));
                Write(run, Ok(1, T0.AddSeconds((window * 10) + second)));
            }

            _time.Advance(TimeSpan.FromSeconds(10));
            await run.WaitForBatchesAsync(window + 1);
        }

        var batches = await run.SentAsync();
        Assert.Equal([0L, 1, 2], batches.Select(b => b.Sequence));
        Assert.Equal([T0, T0.AddSeconds(10), T0.AddSeconds(20)], batches.Select(b => b.WindowStart));
        Assert.All(batches, b => Assert.Equal(20, b.SampleCount));
    }

    [Fact]
    public async Task A_first_failure_closes_the_open_batch_at_once_and_so_does_the_reply_after_it()
    {
        await using var run = Start(TestTargets.Plain(2));
        _time.Advance(TimeSpan.FromSeconds(5));
        for (var second = 0; second < 4; second++)
        {
            Write(run, Ok(0, T0.AddSeconds(second)));
            Write(run, Ok(1, T0.AddSeconds(second)));
        }

        Write(run, new PingSample(1, T0.AddSeconds(4), PingStatus.Timeout, null, TimeSpan.Zero));
        await run.WaitForBatchesAsync(1);

        // The clock stands still at 5 s, half-way through the window: the failure alone closed the batch.
        var failed = Assert.Single(await run.SentAsync());
        Assert.Equal(9, failed.SampleCount);
        Assert.Equal(new WireSample(4000, -(int)PingStatus.Timeout), failed.Targets[1].Samples[^1]);

        _time.Advance(TimeSpan.FromSeconds(2));
        Write(run, Ok(0, T0.AddSeconds(5)));
        Write(run, Ok(1, T0.AddSeconds(5)));
        await run.WaitForBatchesAsync(2);

        var recovered = Assert.Single(await run.SentAsync());
        Assert.Equal(2, recovered.SampleCount);
        Assert.Equal(T0.AddSeconds(7), _time.GetUtcNow());
    }

    [Fact]
    public async Task A_calm_probe_closes_one_batch_per_calm_window()
    {
        await using var run = Start(TestTargets.Plain(2), new BatchingOptions { CalmAfter = TimeSpan.Zero });
        for (var second = 0; second < 120; second++)
        {
            Write(run, Ok(0, T0.AddSeconds(second)));
            Write(run, Ok(1, T0.AddSeconds(second)));
            _time.Advance(TimeSpan.FromSeconds(1));
            if (second == 59)
            {
                await run.WaitForBatchesAsync(1);
            }
        }

        await run.WaitForBatchesAsync(2);

        // Had a batch closed before its minute was up, the first would hold fewer samples.
        var batches = await run.SentAsync();
        Assert.Equal([T0, T0.AddSeconds(60)], batches.Select(b => b.WindowStart));
        Assert.All(batches, b => Assert.Equal(120, b.SampleCount));
    }

    [Fact]
    public async Task A_window_without_samples_makes_no_batch()
    {
        await using var run = Start(TestTargets.Plain(1));

        _time.Advance(TimeSpan.FromSeconds(10));
        Write(run, Ok(0, T0.AddSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(1);

        var batch = Assert.Single(await run.SentAsync());
        Assert.Equal(0, batch.Sequence);
    }

    [Fact]
    public async Task A_thousand_hostile_targets_split_into_batches_the_codec_accepts_without_losing_or_repeating_a_sample()
    {
        _wireVersion = PingBatch.JsonVersion; // JSON escaping is what makes these targets big
        var targets = TestTargets.Hostile(1000);
        await using var run = Start(targets);
        var written = new List<(string Name, DateTimeOffset At, int Value)>();
        for (var round = 0; round < 5; round++)
        {
            foreach (var target in targets)
            {
                var at = T0.AddSeconds(round).AddMilliseconds(target.Index % 1000);
                var sample = round % 2 == 0 ? Ok(target.Index, at, 1000 + target.Index) : new PingSample(target.Index, at, PingStatus.Unreachable, null, TimeSpan.Zero);
                Write(run, sample);
                written.Add((target.Name, at, round % 2 == 0 ? 1000 + target.Index : -(int)PingStatus.Unreachable));
            }
        }

        await run.StopAsync();

        var bodies = await run.SentBodiesAsync();
        Assert.True(bodies.Count > 20, $"expected many batches, got {bodies.Count}");
        Assert.All(bodies, b => Assert.InRange(b.Length, 1, PingBatchCodec.MaxBodyBytes));
        var batches = bodies.Select(b => PingBatchCodec.Decode(b)).ToList();
        Assert.Equal(Enumerable.Range(0, batches.Count).Select(i => (long)i), batches.Select(b => b.Sequence));
        var received = batches
            .SelectMany(b => b.Targets.SelectMany(t => t.Samples.Select(s => (t.Name, At: b.WindowStart.AddMilliseconds(s.OffsetMs), s.Value))))
            .ToList();
        Assert.Equal(written.Count, received.Count);
        Assert.Equal(written.Order(), received.Order());
    }

    [Fact]
    public async Task A_batch_closes_early_and_nearly_full_when_the_next_sample_would_not_fit()
    {
        _wireVersion = PingBatch.JsonVersion; // the JSON size limit; BinaryBatchSizingTests has version 2's
        await using var run = Start(TestTargets.Plain(20));
        var count = 0;
        for (var second = 0; second < 300; second++)
        {
            for (var t = 0; t < 20; t++, count++)
            {
                Write(run, Ok(t, T0.AddSeconds(second), 1_000_000 + second));
            }
        }

        await run.StopAsync();

        var bodies = await run.SentBodiesAsync();
        Assert.True(bodies.Count >= 2);
        Assert.All(bodies[..^1], b => Assert.InRange(b.Length, PingBatchCodec.MaxBodyBytes - 200, PingBatchCodec.MaxBodyBytes));
        Assert.Equal(count, bodies.Sum(b => PingBatchCodec.Decode(b).SampleCount));
    }

    [Fact]
    public async Task Stopping_flushes_the_open_batch_and_completes_the_channel()
    {
        await using var run = Start(TestTargets.Plain(2));
        Write(run, Ok(0, T0));
        Write(run, Ok(1, T0.AddMilliseconds(20)));
        Write(run, Ok(0, T0.AddSeconds(1)));

        await run.StopAsync();

        var batch = Assert.Single(await run.SentAsync());
        Assert.Equal(3, batch.SampleCount);
        Assert.False(run.Channel.Writer.TryWrite(Ok(0, T0.AddSeconds(2))));
    }

    [Fact]
    public async Task When_the_engine_completes_the_channel_the_batcher_flushes_and_ends()
    {
        await using var run = Start(TestTargets.Plain(1));
        Write(run, Ok(0, T0));
        run.Channel.Writer.Complete();

        await run.Run.WaitAsync(Patience);

        Assert.Equal(1, Assert.Single(await run.SentAsync()).SampleCount);
    }

    [Fact]
    public async Task Numbering_goes_on_across_a_restart()
    {
        await using (var first = Start(TestTargets.Plain(1)))
        {
            Write(first, Ok(0, T0));
            _time.Advance(TimeSpan.FromSeconds(10));
            await first.WaitForBatchesAsync(1);
            Write(first, Ok(0, T0.AddSeconds(10)));
            await first.StopAsync();

            // One was sent before the restart, one waits in the spool.
            var sent = await first.Spool.ReadOldestAsync(CancellationToken.None);
            await first.Spool.MarkSentAsync(sent!.Sequence, CancellationToken.None);
        }

        await using var second = Start(TestTargets.Plain(1));
        Write(second, Ok(0, T0.AddSeconds(20)));
        await second.StopAsync();

        Assert.Equal([1L, 2], (await second.SentAsync()).Select(b => b.Sequence));
    }

    [Fact]
    public async Task Two_rounds_of_one_target_less_than_a_second_apart_go_into_separate_batches()
    {
        await using var run = Start(TestTargets.Plain(1));
        Write(run, Ok(0, T0));
        Write(run, Ok(0, T0.AddMilliseconds(400)));

        await run.StopAsync();

        var batches = await run.SentAsync();
        Assert.Equal([T0, T0.AddMilliseconds(400)], batches.Select(b => b.WindowStart));
    }

    [Fact]
    public async Task A_clock_step_either_way_closes_the_open_batch_at_once_and_the_next_window_starts_on_the_new_clock()
    {
        await using var run = Start(TestTargets.Plain(2));
        Write(run, Ok(0, T0));
        Write(run, Ok(1, T0.AddMilliseconds(500)));
        Write(run, Ok(0, T0.AddSeconds(1)));

        // The wall clock stepped 30 s back (epoch 1): these would fit the open batch by time, but not by clock.
        Write(run, Ok(1, T0.AddSeconds(-28.5)) with { ClockEpoch = 1 });
        Write(run, Ok(0, T0.AddSeconds(-28)) with { ClockEpoch = 1 });
        await run.WaitForBatchesAsync(1);

        // Then 10 minutes forwards (epoch 2), still well inside one window's span.
        Write(run, Ok(1, T0.AddMinutes(10)) with { ClockEpoch = 2 });
        await run.WaitForBatchesAsync(2);
        Assert.Equal(T0, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(3);

        var batches = await run.SentAsync();
        Assert.Equal([T0, T0.AddSeconds(-28.5), T0.AddMinutes(10)], batches.Select(b => b.WindowStart));
        Assert.Equal([3, 2, 1], batches.Select(b => b.SampleCount));
        Assert.Equal([0, 500], batches[1].Targets.SelectMany(t => t.Samples).Select(s => s.OffsetMs).Order());
    }

    [Fact]
    public async Task A_late_sample_scheduled_before_the_others_moves_the_window_start()
    {
        await using var run = Start(TestTargets.Plain(2));
        Write(run, Ok(0, T0.AddSeconds(1)));
        Write(run, Ok(0, T0.AddSeconds(2)));
        Write(run, new PingSample(1, T0.AddMilliseconds(300), PingStatus.Timeout, null, TimeSpan.Zero));

        await run.StopAsync();

        var batch = Assert.Single(await run.SentAsync());
        Assert.Equal(T0.AddMilliseconds(300), batch.WindowStart);
        Assert.Equal([700, 1700], batch.Targets[0].Samples.Select(s => s.OffsetMs));
        Assert.Equal(0, batch.Targets[1].Samples[0].OffsetMs);
    }

    [Fact]
    public async Task Samples_no_batch_can_carry_are_dropped_and_counted_in_a_warning()
    {
        await using var run = Start(TestTargets.Plain(1));
        Write(run, Ok(0, T0));
        Write(run, Ok(7, T0));
        Write(run, new PingSample(0, T0.AddSeconds(1), PingStatus.Ok, null, TimeSpan.Zero));

        await run.StopAsync();

        Assert.Equal(1, Assert.Single(await run.SentAsync()).SampleCount);
        var warning = Assert.Single(_log.AtLeast(LogLevel.Warning));
        Assert.Equal(2, warning.Properties["Count"]);
    }

    [Fact]
    public void A_target_whose_metadata_breaks_the_contract_is_refused_at_start_naming_it()
    {
        var plain = TestTargets.Plain(1)[0];
        var targets = new[] { plain with { Settings = plain.Settings with { Name = "long-description", Description = new string('d', 300) } } };

        var error = Assert.Throws<ArgumentException>(() => NewBatcher(targets, new SampleChannel(), Spool()));

        Assert.Contains("long-description", error.Message, StringComparison.Ordinal);
        Assert.Contains("description", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_probe_id_the_contract_refuses_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentException>(() => NewBatcher(TestTargets.Plain(1), new SampleChannel(), Spool(), probeId: "bad id!"));

        Assert.Contains("bad id!", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_target_list_closes_the_old_lists_batch_and_no_sample_of_the_old_list_lands_under_a_new_index()
    {
        var live = new LiveTargets(TestTargets.Plain(2));
        var channel = new SampleChannel();
        var spool = Spool();
        var batcher = new Batcher(channel, spool, live, Options.Create(new ProbeOptions { Id = "probe-1" }), _time, _log.For<Batcher>());
        await using var run = new BatcherRun(channel, spool, batcher);

        Write(run, Ok(0, T0));
        Write(run, Ok(1, T0));

        // target-0 removed, target-2 added: target-1 is index 0 now, target-2 index 1.
        var next = live.Publish([.. TestTargets.Plain(3).Skip(1).Select((t, i) => t with { Index = i })], TargetSource.LocalFile)!;
        Write(run, Ok(0, T0.AddSeconds(1)) with { TargetGeneration = next.Generation });
        Write(run, Ok(1, T0.AddSeconds(1)) with { TargetGeneration = next.Generation });
        Write(run, Ok(1, T0.AddSeconds(1.5))); // a straggler of the old list: its index 1 is target-1 there, target-2 here
        await run.StopAsync();

        var batches = await run.SentAsync();
        Assert.Equal(2, batches.Count);
        Assert.Equal(["target-0", "target-1"], batches[0].Targets.Select(t => t.Name));
        Assert.Equal(["target-1", "target-2"], batches[1].Targets.Select(t => t.Name));
        Assert.All(batches[1].Targets, t => Assert.Equal([new WireSample(0, 1234)], t.Samples));
    }

    [Fact]
    public async Task Every_batch_carries_the_probe_status()
    {
        var options = Options.Create(new ProbeOptions { Id = "probe-1", Site = "office-berlin" });
        var live = new LiveTargets(TestTargets.Plain(1), new TargetSource("etag-7", "managed"));
        var channel = new SampleChannel();
        var spool = Spool();
        var status = new ProbeStatusReporter(options, new Targets.NamedEngine(), spool, live);
        status.RecordBackendDate(T0, T0.AddSeconds(-2));
        await using var run = new BatcherRun(channel, spool, new Batcher(channel, spool, live, options, _time, _log.For<Batcher>(), status));

        Write(run, Ok(0, T0));
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(1);
        Write(run, Ok(0, T0.AddSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(2);

        var batches = await run.SentAsync();
        Assert.All(batches, b => Assert.Equal(("office-berlin", "raw-socket", 2000, "etag-7"), (b.Status!.Site, b.Status.IcmpEngine, b.Status.ClockOffsetMs, b.Status.TargetListVersion)));
        Assert.False(string.IsNullOrEmpty(batches[0].Status!.SoftwareVersion));
        Assert.Equal((0, null), (batches[0].Status!.SpoolDepth, batches[0].Status!.OldestUnsentAt));

        // The second closed while the first still waited in the spool.
        Assert.Equal((1, T0), (batches[1].Status!.SpoolDepth, batches[1].Status!.OldestUnsentAt));
    }

    private static PingSample Ok(int target, DateTimeOffset at, int microseconds = 1234) =>
        new(target, at, PingStatus.Ok, TimeSpan.FromMicroseconds(microseconds), TimeSpan.Zero);

    private static void Write(BatcherRun run, PingSample sample) =>
        Assert.True(run.Channel.Writer.TryWrite(sample), "the sample channel is full");

    private int _wireVersion = PingBatch.CurrentVersion;

    private BatchSpool Spool() => new(_folder.Path, 1L << 40, _time, new TestLog().For<BatchSpool>());

    private Batcher NewBatcher(IReadOnlyList<ProbeTarget> targets, SampleChannel channel, BatchSpool spool, string probeId = "probe-1", BatchingOptions? batching = null)
    {
        batching ??= new();
        batching.WireVersion = _wireVersion;
        return new(channel, spool, new LiveTargets(targets), Options.Create(new ProbeOptions { Id = probeId, Batching = batching }), _time, _log.For<Batcher>());
    }

    private BatcherRun Start(IReadOnlyList<ProbeTarget> targets, BatchingOptions? batching = null)
    {
        var channel = new SampleChannel();
        var spool = Spool();
        return new BatcherRun(channel, spool, NewBatcher(targets, channel, spool, batching: batching));
    }

    /// <summary>A batcher running on the fake clock, its channel and its spool.</summary>
    private sealed class BatcherRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public BatcherRun(SampleChannel channel, BatchSpool spool, Batcher batcher)
        {
            Channel = channel;
            Spool = spool;
            Run = batcher.RunAsync(_stop.Token);
        }

        public SampleChannel Channel { get; }

        public BatchSpool Spool { get; }

        public Task Run { get; }

        /// <summary>Waits (on the spool's signal, not on a clock) until <paramref name="count"/> batches have been spooled.</summary>
        public async Task WaitForBatchesAsync(int count)
        {
            while (Spool.NextSequence < count)
            {
                await Spool.WaitForBatchAsync(CancellationToken.None).WaitAsync(Patience);
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Run.WaitAsync(Patience);
        }

        public async Task<List<byte[]>> SentBodiesAsync()
        {
            var bodies = new List<byte[]>();
            while (await Spool.ReadOldestAsync(CancellationToken.None) is { } batch)
            {
                bodies.Add(batch.Body.ToArray());
                await Spool.MarkSentAsync(batch.Sequence, CancellationToken.None);
            }

            return bodies;
        }

        public async Task<List<PingBatch>> SentAsync() =>
            [.. (await SentBodiesAsync()).Select(b => PingBatchCodec.Decode(b))];

        public async ValueTask DisposeAsync()
        {
            if (!Run.IsCompleted)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }
    }
}
