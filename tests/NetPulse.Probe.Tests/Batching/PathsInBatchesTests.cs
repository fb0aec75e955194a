using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Paths;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Batching;

/// <summary>The batcher with a path snapshot scheduler (a fake tracer) on the fake clock: what triggers snapshots, and how they ride.</summary>
public sealed class PathsInBatchesTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestLog _log = new();
    private readonly FinishedPathSnapshots _finished = new();
    private readonly FakePathTracer _tracer = new(TimeProvider.System);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Trouble_beginning_takes_one_snapshot_and_it_goes_out_in_the_next_batch_without_waiting_for_the_window()
    {
        await using var run = Start(TestTargets.Plain(2));
        _time.Advance(TimeSpan.FromSeconds(5));
        for (var second = 0; second < 5; second++)
        {
            Write(run, Ok(0, T0.AddSeconds(second)));
            Write(run, Ok(1, T0.AddSeconds(second)));
        }

        // target-1 fails: the batch closes at once, and a trouble snapshot of target-1 starts in the background.
        Write(run, Failed(1, T0.AddSeconds(5)));
        await run.WaitForBatchesAsync(1);
        await _tracer.WaitForCallsAsync(1);
        await WaitUntilAsync(() => _log.Entries.Any(e => e.Message.StartsWith("Path snapshot (Trouble) of target-1 taken", StringComparison.Ordinal)) && _finished.Count == 0);

        // Still failing, and target-0 too: target-1 is troubled already (no new trigger), target-0 starts its own.
        Write(run, Ok(0, T0.AddSeconds(6)));
        Write(run, Failed(1, T0.AddSeconds(6)));

        // The snapshot made the open batch due: one second (the least gap between closes), not the 10 s window.
        _time.Advance(BatchCadence.MinUrgentGap);
        await run.WaitForBatchesAsync(2);

        var batches = await run.SentAsync();
        Assert.Null(batches[0].Paths);
        var path = Assert.Single(batches[1].Paths!);
        Assert.Equal(("target-1", PathSnapshotReason.Trouble), (path.Target, path.Reason));
        Assert.Equal(["target-1"], _tracer.Calls.Select(c => c.Target));
    }

    [Fact]
    public async Task A_batch_carries_at_most_MaxPerBatch_snapshots_oldest_first_and_the_rest_ride_in_the_next()
    {
        await using var run = Start(TestTargets.Plain(1), maxPerBatch: 3);
        for (var i = 0; i < 7; i++)
        {
            _finished.Add(FakePathTracer.Snapshot("target-0", T0.AddSeconds(i)) with { Reason = PathSnapshotReason.Baseline });
        }

        for (var window = 0; window < 3; window++)
        {
            Write(run, Ok(0, T0.AddSeconds(window * 10)));
            _time.Advance(TimeSpan.FromSeconds(10));
            await run.WaitForBatchesAsync(window + 1);
        }

        var batches = await run.SentAsync();
        Assert.Equal([3, 3, 1], batches.Select(b => b.Paths?.Count ?? 0));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => T0.AddSeconds(i)), batches.SelectMany(b => b.Paths!).Select(p => p.StartedAt));
    }

    [Theory]
    [InlineData(PingBatch.JsonVersion)]
    [InlineData(PingBatch.BinaryVersion)]
    public async Task Eight_large_snapshots_beside_a_full_minute_of_samples_never_push_a_batch_past_the_message_limit(int wireVersion)
    {
        const int targets = 100;
        await using var run = Start(TestTargets.Plain(targets), wireVersion: wireVersion);
        var large = Enumerable.Range(0, 8).Select(Large).ToList();
        foreach (var snapshot in large)
        {
            _finished.Add(snapshot);
        }

        // A minute of every target at 1 Hz per window, window after window, until every snapshot has gone out.
        var sent = new List<byte[]>();
        for (var window = 0; window < 12 && sent.Sum(b => PingBatchCodec.Decode(b).Paths?.Count ?? 0) < large.Count; window++)
        {
            for (var second = 0; second < 60; second++)
            {
                for (var t = 0; t < targets; t++)
                {
                    Write(run, Ok(t, T0.AddSeconds((window * 60) + second).AddMilliseconds(t)));
                }
            }

            _time.Advance(TimeSpan.FromSeconds(60));
            await run.WaitForIdleAsync();
            sent.AddRange(await run.SentBodiesAsync());
        }

        Assert.All(sent, body => Assert.InRange(body.Length, 1, PingBatchCodec.MaxBodyBytes));
        var batches = sent.Select(b => PingBatchCodec.Decode(b)).ToList();
        Assert.Equal(large.Select(p => p.StartedAt), batches.SelectMany(b => b.Paths ?? []).Select(p => p.StartedAt));
        static IEnumerable<string> Addresses(PathSnapshot p) => p.Hops.SelectMany(h => h.OtherAddresses!.Prepend(h.Address!));
        Assert.Equal(Addresses(large[3]), Addresses(batches.SelectMany(b => b.Paths ?? []).ElementAt(3)));
        output.WriteLine($"wire version {wireVersion}: {batches.Count} batches, paths per batch {string.Join(" ", batches.Select(b => b.Paths?.Count ?? 0))}, bodies {string.Join(" ", sent.Select(b => b.Length))} bytes (limit {PingBatchCodec.MaxBodyBytes})");
        Assert.All(batches, b => Assert.InRange(b.Paths?.Count ?? 0, 0, PingBatchRules.MaxPathsPerBatch));
        Assert.Empty(_log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task A_snapshot_waiting_for_a_sample_moves_to_the_batches_of_a_new_target_list()
    {
        await using var run = Start(TestTargets.Plain(2));
        Write(run, Ok(0, T0));
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(1);

        // The open batch is empty when the snapshot comes: it waits there for a sample to ride with.
        _finished.Add(FakePathTracer.Snapshot("target-1", T0) with { Reason = PathSnapshotReason.Baseline });
        await WaitUntilAsync(() => _finished.Count == 0);
        var next = run.Live.Publish([.. TestTargets.Plain(3).Skip(1).Select((t, i) => t with { Index = i })], TargetSource.LocalFile)!;

        Write(run, Ok(0, T0.AddSeconds(11)) with { TargetGeneration = next.Generation });
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(2);

        var batches = await run.SentAsync();
        Assert.Equal("target-1", Assert.Single(batches[^1].Targets).Name);
        Assert.Equal("target-1", Assert.Single(batches[^1].Paths!).Target);
        Assert.Empty(_log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task A_snapshot_that_breaks_the_contract_is_dropped_with_its_reason_and_the_samples_go_on()
    {
        await using var run = Start(TestTargets.Plain(1));
        var broken = FakePathTracer.Snapshot("target-0", T0);
        _finished.Add(broken with { Hops = [broken.Hops[0] with { Ttl = 2 }] });

        Write(run, Ok(0, T0));
        _time.Advance(TimeSpan.FromSeconds(10));
        await run.WaitForBatchesAsync(1);

        var batch = Assert.Single(await run.SentAsync());
        Assert.Null(batch.Paths);
        Assert.Equal(1, batch.SampleCount);
        var error = Assert.Single(_log.AtLeast(LogLevel.Error));
        Assert.Equal("Dropped the path snapshot of target-0: hops[0].ttl is 2; hops list TTL 1, 2, … in order, so it must be 1", error.Message);
    }

    /// <summary>
    /// As big as a snapshot gets: 64 hops, each with a main and 8 other IPv6 addresses in full (digits that Brotli can do
    /// little with), every time present.
    /// </summary>
    private static PathSnapshot Large(int index)
    {
        var random = new Random(index);
        string Address() => string.Join(':', Enumerable.Range(0, 8).Select(_ => random.Next(0x1000, 0xffff).ToString("x4", CultureInfo.InvariantCulture)));
        var hops = Enumerable.Range(1, PathSnapshot.MaxHops).Select(ttl => new PathHop
        {
            Ttl = ttl,
            Address = Address(),
            OtherAddresses = [.. Enumerable.Range(0, PathSnapshot.MaxOtherAddresses).Select(_ => Address())],
            Sent = PathSnapshot.MaxCycles,
            Received = 99,
            LossPercent = 1,
            LastMs = 12345.678,
            BestMs = 1234.567,
            AverageMs = 23456.789,
            WorstMs = 59999.999,
            StdDevMs = 12345.678,
        }).ToList();
        return new PathSnapshot
        {
            Target = $"target-{index}",
            Destination = hops[^1].Address!,
            StartedAt = T0.AddSeconds(index),
            Cycles = PathSnapshot.MaxCycles,
            Reason = PathSnapshotReason.Trouble,
            ReachedDestination = true,
            Hops = hops,
        };
    }

    private static PingSample Ok(int target, DateTimeOffset at) => new(target, at, PingStatus.Ok, TimeSpan.FromMicroseconds(1234), TimeSpan.Zero);

    private static PingSample Failed(int target, DateTimeOffset at) => new(target, at, PingStatus.Timeout, null, TimeSpan.Zero);

    private static void Write(BatcherRun run, PingSample sample) => Assert.True(run.Channel.Writer.TryWrite(sample));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(5);
        }
    }

    private BatcherRun Start(IReadOnlyList<ProbeTarget> targets, int maxPerBatch = PingBatchRules.MaxPathsPerBatch, int wireVersion = PingBatch.CurrentVersion)
    {
        var live = new LiveTargets(targets);
        var options = new ProbeOptions
        {
            Id = "probe-1",
            Batching = new BatchingOptions { CalmAfter = TimeSpan.Zero, CalmWindow = TimeSpan.FromSeconds(10), WireVersion = wireVersion },
            Paths = new PathsOptions { MaxPerBatch = maxPerBatch },
        };
        var scheduler = new PathSnapshotScheduler(options.Paths, _finished, live, _time, _log.For<PathSnapshotScheduler>(), _tracer, unavailable: null);
        var channel = new SampleChannel();
        var spool = new BatchSpool(_folder.Path, 1L << 40, _time, new TestLog().For<BatchSpool>());
        var batcher = new Batcher(channel, spool, live, Options.Create(options), _time, _log.For<Batcher>(), status: null, paths: scheduler);
        return new BatcherRun(channel, spool, batcher, scheduler, live);
    }

    /// <summary>A batcher running on the fake clock, its channel, its spool and its scheduler.</summary>
    private sealed class BatcherRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly PathSnapshotScheduler _scheduler;

        public BatcherRun(SampleChannel channel, BatchSpool spool, Batcher batcher, PathSnapshotScheduler scheduler, LiveTargets live)
        {
            Live = live;
            Channel = channel;
            Spool = spool;
            _scheduler = scheduler;
            Run = batcher.RunAsync(_stop.Token);
        }

        public SampleChannel Channel { get; }

        public BatchSpool Spool { get; }

        public LiveTargets Live { get; }

        public Task Run { get; }

        public async Task WaitForBatchesAsync(int count)
        {
            while (Spool.NextSequence < count)
            {
                await Spool.WaitForBatchAsync(CancellationToken.None).WaitAsync(Patience);
            }
        }

        /// <summary>Waits until the batcher has read every sample written and closed what was due (its spool stops growing).</summary>
        public async Task WaitForIdleAsync()
        {
            var deadline = DateTime.UtcNow + Patience;
            long last = -1;
            while (Channel.Reader.Count > 0 || Spool.NextSequence != last)
            {
                Assert.True(DateTime.UtcNow < deadline, "the batcher did not settle");
                last = Spool.NextSequence;
                await Task.Delay(300);
            }
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
            await _stop.CancelAsync();
            await Run.WaitAsync(Patience);
            _scheduler.Dispose();
            _stop.Dispose();
        }
    }
}
