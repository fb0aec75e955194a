using NetPulse.Contracts;
using NetPulse.Probe.Batching;

namespace NetPulse.Probe.Tests.Batching;

/// <summary>
/// How the open batch counts bytes in wire version 2: the payload before compression, never undercounted, so
/// a calm minute of 100 targets (or 10 s of 1,000) is one batch; what compression cannot fit splits at close.
/// </summary>
public sealed class BinaryBatchSizingTests
{
    private static readonly long T0Ms = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(100, 60)]
    [InlineData(1000, 10)]
    public void A_calm_window_of_the_issue_goal_is_one_batch_and_one_message(int targets, int seconds)
    {
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(targets)));
        var random = new Random(15);
        foreach (var sample in Samples(targets, seconds, random))
        {
            Assert.Equal(AddOutcome.Added, open.TryAdd(sample));
        }

        var closed = open.Close(sequence: 7);

        Assert.Equal(targets * seconds, closed.Taken);
        Assert.InRange(closed.Spooled.Body.Length, 1, PingBatchCodec.MaxBodyBytes);
        var batch = PingBatchCodec.Decode(closed.Spooled.Body.Span);
        Assert.Equal(PingBatch.BinaryVersion, batch.Version);
        Assert.Equal(targets * seconds, batch.SampleCount);
        Assert.InRange(PingBatchCodec.MeasurePayloadBytes(batch), 1, open.EstimatedBytes);
    }

    [Fact]
    public void The_same_minute_in_json_fills_batches_long_before_the_minute_is_over()
    {
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(100), PingBatch.JsonVersion));

        var added = Samples(100, 60, new Random(15)).TakeWhile(s => open.TryAdd(s) == AddOutcome.Added).Count();

        Assert.InRange(added, 1, 100 * 40);
    }

    [Fact]
    public void The_payload_estimate_never_undercounts_hostile_targets()
    {
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Hostile(1000)));
        var added = Samples(1000, 60, new Random(15)).TakeWhile(s => open.TryAdd(s) == AddOutcome.Added).Count();

        var closed = open.Close(sequence: 1);

        Assert.InRange(added, 100, (1000 * 60) - 1);
        var batch = PingBatchCodec.Decode(closed.Spooled.Body.Span);
        Assert.Equal(closed.Taken, batch.SampleCount);
        Assert.InRange(PingBatchCodec.MeasurePayloadBytes(batch), 1, PingBatchCodec.MaxPayloadBytes);
    }

    [Fact]
    public void What_compression_cannot_fit_in_one_message_splits_at_close_without_losing_a_sample()
    {
        // A minute of 1,000 targets with wild RTTs: the payload count allows more than one message holds.
        var open = new OpenBatch(new BatchLayout("probe-1", TestTargets.Plain(1000)));
        var random = new Random(15);
        var pending = Samples(1000, 60, random, jitterUs: 5_000_000).ToList();
        var sent = new List<PingBatch>();
        var next = 0;
        while (next < pending.Count || !open.IsEmpty)
        {
            while (next < pending.Count && open.TryAdd(pending[next]) == AddOutcome.Added)
            {
                next++;
            }

            var closed = open.Close(sent.Count);
            Assert.InRange(closed.Spooled.Body.Length, 1, PingBatchCodec.MaxBodyBytes);
            sent.Add(PingBatchCodec.Decode(closed.Spooled.Body.Span));
            open.RemoveFirst(closed.Taken);
        }

        Assert.Equal(pending.Count, sent.Sum(b => b.SampleCount));
        Assert.True(sent.Count > 2, $"{sent.Count} batches");
    }

    private static IEnumerable<PendingSample> Samples(int targets, int seconds, Random random, int jitterUs = 400)
    {
        for (var s = 0; s < seconds; s++)
        {
            for (var t = 0; t < targets; t++)
            {
                var value = random.Next(50) == 0 ? -(int)PingStatus.Timeout : 8_000 + (t * 37) + random.Next(jitterUs);
                yield return new PendingSample(t, T0Ms + (s * 1000L) + (t % 1000), value);
            }
        }
    }
}
