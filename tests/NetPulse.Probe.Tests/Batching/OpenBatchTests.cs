using NetPulse.Contracts;
using NetPulse.Probe.Batching;

namespace NetPulse.Probe.Tests.Batching;

public sealed class OpenBatchTests
{
    private static readonly long T0Ms = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_running_estimate_never_undercounts_and_stays_within_a_few_bytes(bool hostile)
    {
        var targets = hostile ? TestTargets.Hostile(1000) : TestTargets.Plain(1000);
        // JSON, whose estimate is exact; BinaryBatchSizingTests holds version 2's.
        var open = new OpenBatch(new BatchLayout("probe-1", targets, PingBatch.JsonVersion));
        var round = 0;
        var added = 0;
        while (true)
        {
            var sample = new PendingSample(added % 1000, T0Ms + (round * 1000) + (added % 1000), added % 3 == 0 ? -1 : 12_345 + added);
            if (open.TryAdd(sample) == AddOutcome.Full)
            {
                break;
            }

            added++;
            round = added / 1000;
        }

        var closed = open.Close(sequence: 42);

        // Everything accepted fits as one batch: the codec fallback was not needed.
        Assert.Equal(added, closed.Taken);
        var actual = closed.Spooled.Body.Length;
        Assert.InRange(actual, 1, PingBatchCodec.MaxBodyBytes);
        Assert.InRange(open.EstimatedBytes - actual, 0, 40 + (2 * closed.TargetCount));
        Assert.Equal(added, PingBatchCodec.Decode(closed.Spooled.Body.Span).SampleCount);
    }

    [Fact]
    public void A_batch_never_spans_more_than_the_longest_offset_the_contract_allows()
    {
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(2)));
        open.TryAdd(new PendingSample(0, T0Ms, 1));

        Assert.Equal(AddOutcome.Full, open.TryAdd(new PendingSample(1, T0Ms + PingBatchRules.MaxOffsetMs + 1, 1)));
        Assert.Equal(AddOutcome.Added, open.TryAdd(new PendingSample(1, T0Ms + PingBatchRules.MaxOffsetMs, 1)));
    }

    [Fact]
    public void What_remains_after_a_partial_close_opens_the_next_batch()
    {
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(2)));
        open.TryAdd(new PendingSample(0, T0Ms, 1));
        open.TryAdd(new PendingSample(1, T0Ms + 500, 2));
        open.TryAdd(new PendingSample(0, T0Ms + 1000, 3));

        open.RemoveFirst(1);
        var closed = open.Close(sequence: 1);

        var batch = PingBatchCodec.Decode(closed.Spooled.Body.Span);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0Ms + 500), batch.WindowStart);
        Assert.Equal([new WireSample(500, 3)], batch.Targets[0].Samples);
        Assert.Equal([new WireSample(0, 2)], batch.Targets[1].Samples);
    }

    [Fact]
    public void A_batch_holds_one_clock_epoch_and_a_straggler_of_the_old_clock_after_a_step_gets_a_batch_of_its_own()
    {
        // The fallback engine's replies finish on several threads: one stamped just before a step can reach the
        // channel just after the first sample stamped after it.
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(2)));
        var batches = new List<PingBatch>();
        void Add(PendingSample sample)
        {
            if (open.TryAdd(sample) == AddOutcome.Full)
            {
                batches.Add(PingBatchCodec.Decode(open.Close(batches.Count).Spooled.Body.Span));
                open.RemoveFirst(open.Count);
                Assert.Equal(AddOutcome.Added, open.TryAdd(sample));
            }
        }

        Add(new PendingSample(0, T0Ms, 1));
        Add(new PendingSample(0, T0Ms + 5000, 2, ClockEpoch: 1));
        Add(new PendingSample(1, T0Ms + 500, 3));
        Add(new PendingSample(1, T0Ms + 5500, 4, ClockEpoch: 1));
        batches.Add(PingBatchCodec.Decode(open.Close(batches.Count).Spooled.Body.Span));

        Assert.Equal([T0Ms, T0Ms + 5000, T0Ms + 500, T0Ms + 5500], batches.Select(b => b.WindowStart.ToUnixTimeMilliseconds()));
        Assert.All(batches, b => Assert.Equal(1, b.SampleCount));
    }
}
