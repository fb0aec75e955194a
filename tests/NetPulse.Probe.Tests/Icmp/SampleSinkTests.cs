using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class SampleSinkTests
{
    private static readonly DateTimeOffset Anchor = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Anchor);
    private readonly SteppedWallClock _wall;
    private readonly WallClockAnchor _anchor;

    public SampleSinkTests()
    {
        _wall = new SteppedWallClock(_time);
        _anchor = new WallClockAnchor(_wall, NullLogger.Instance);
    }

    [Fact]
    public void A_sample_is_scheduled_at_the_anchor_plus_its_due_offset_and_names_the_targets_index()
    {
        var channel = Channel.CreateUnbounded<PingSample>();
        var stats = NewStats();
        var sink = NewSink(channel.Writer, stats);

        sink.Write(1, TimeSpan.FromMilliseconds(2500), PingStatus.Ok, TimeSpan.FromMicroseconds(80), TimeSpan.FromMicroseconds(300));

        Assert.True(channel.Reader.TryRead(out var sample));
        Assert.Equal(new PingSample(17, Anchor.AddMilliseconds(2500), PingStatus.Ok, TimeSpan.FromMicroseconds(80), TimeSpan.FromMicroseconds(300)), sample);
        Assert.Equal(1, stats.Snapshot().Received);
    }

    [Fact]
    public void After_a_clock_step_a_round_is_stamped_from_the_corrected_anchor_with_the_next_epoch()
    {
        var channel = Channel.CreateUnbounded<PingSample>();
        var sink = NewSink(channel.Writer, NewStats());
        sink.Write(0, TimeSpan.FromSeconds(1), PingStatus.Ok, TimeSpan.FromMicroseconds(80), TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(2));
        _wall.Step(TimeSpan.FromMinutes(-10));
        Assert.True(_anchor.CheckForStep());

        // Round 1 was sent before the step and finishes after it: it gets the corrected time too.
        sink.Write(0, TimeSpan.FromSeconds(2), PingStatus.Timeout, null, TimeSpan.Zero);

        Assert.True(channel.Reader.TryRead(out var before));
        Assert.True(channel.Reader.TryRead(out var after));
        Assert.Equal((Anchor.AddSeconds(1), 0), (before.ScheduledAt, before.ClockEpoch));
        Assert.Equal((Anchor.AddSeconds(2).AddMinutes(-10), 1), (after.ScheduledAt, after.ClockEpoch));
    }

    [Fact]
    public void A_full_channel_drops_and_counts_samples_instead_of_blocking()
    {
        var channel = Channel.CreateBounded<PingSample>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        var stats = NewStats();
        var sink = NewSink(channel.Writer, stats);

        sink.Write(0, TimeSpan.Zero, PingStatus.Ok, TimeSpan.FromMilliseconds(1), TimeSpan.Zero);
        sink.Write(0, TimeSpan.FromSeconds(1), PingStatus.Timeout, null, TimeSpan.Zero);
        sink.Write(0, TimeSpan.FromSeconds(2), PingStatus.Ok, TimeSpan.FromMilliseconds(1), TimeSpan.Zero);

        var snapshot = stats.Snapshot();
        Assert.Equal(2, snapshot.DroppedSamples);
        Assert.Equal(2, snapshot.Received);
        Assert.Equal(1, snapshot.Timeouts);
        Assert.True(channel.Reader.TryRead(out var kept));
        Assert.Equal(Anchor, kept.ScheduledAt);
    }

    private PingEngineStats NewStats() => new(_time.GetTimestamp, _time.TimestampFrequency);

    private SampleSink NewSink(ChannelWriter<PingSample> writer, PingEngineStats stats)
    {
        ProbeTarget[] targets =
        [
            new() { Index = 16, Settings = new TargetSettings { Name = "a", Host = "127.0.0.1", IntervalMs = 1000 }, Timeout = TimeSpan.FromMilliseconds(500) },
            new() { Index = 17, Settings = new TargetSettings { Name = "b", Host = "127.0.0.2", IntervalMs = 1000 }, Timeout = TimeSpan.FromMilliseconds(500) },
        ];
        return new SampleSink(targets, writer, stats, NullLogger.Instance, _anchor, _time.GetTimestamp, _time.TimestampFrequency);
    }
}
