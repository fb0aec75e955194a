using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Contracts.Tests;

/// <summary>The goal of issue 15: a calm minute of 100 targets, or 10 s of 1,000, in one signed queue message.</summary>
public sealed class WireCapacityTests
{
    /// <summary>What Azure Storage accepts as one message, counted after the client's Base64.</summary>
    private const int QueueMessageBytes = 64 * 1024;

    [Theory]
    [InlineData(100, 10)]
    [InlineData(100, 60)]
    [InlineData(1000, 10)]
    public void A_realistic_batch_fits_one_signed_queue_message_in_version_2(int targets, int seconds)
    {
        var batch = RealisticBatches.Fleet(targets, seconds);
        Assert.Contains(batch.Targets.SelectMany(t => t.Samples), s => !s.IsSuccess);
        Assert.All(batch.Targets, t => Assert.InRange(t.Name.Length, 19, 30));

        var body = PingBatchCodec.Encode(batch);
        using var key = ProbeKeys.Create();
        var message = SignedBatchMessage.Sign(body, batch.ProbeId, key);
        var onTheQueue = Convert.ToBase64String(message).Length;

        Assert.True(onTheQueue <= QueueMessageBytes, $"{targets} targets × {seconds} s: {body.Length} bytes, {onTheQueue} in Base64 with the signature");
        Assert.Equal(batch.SampleCount, PingBatchCodec.Decode(SignedBatchMessage.Parse(message).Batch.Span).SampleCount);
    }

    [Fact]
    public void A_minute_of_100_targets_does_not_fit_version_1()
    {
        // Why version 2 exists: the same batch in JSON is refused for its size.
        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(RealisticBatches.Fleet(100, 60, PingBatch.JsonVersion)));
        Assert.Contains("a message body holds at most", ex.Message, StringComparison.Ordinal);
    }
}
