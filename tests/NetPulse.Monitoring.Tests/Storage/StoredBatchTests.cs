using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Storage;

public sealed class StoredBatchTests
{
    private static readonly DateTimeOffset Window = new(2026, 3, 2, 10, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void Packing_keeps_every_round_setting_and_slot()
    {
        var batch = new PingBatch
        {
            Version = 1,
            ProbeId = "home-1",
            Sequence = 42,
            WindowStart = Window,
            Targets =
            [
                new TargetSamples
                {
                    Name = "gw/1 #?", Host = "10.0.0.1", Uplink = true, IntervalMs = 1000, LatencyThresholdMs = 80, LossThresholdPercent = 2.5,
                    Samples = [WireSample.Success(0, 1234), WireSample.Failure(1000, PingStatus.Timeout), WireSample.Success(2800, WireSample.MaxRttMicroseconds)],
                },
                new TargetSamples { Name = "nas", Host = "nas.lan", IntervalMs = 5000, Samples = [WireSample.Failure(4000, PingStatus.SendFailed)] },
            ],
        };

        var stored = StoredBatch.From(batch);
        var unpacked = StoredBatch.UnpackTargets(stored.PackTargets(), stored.FirstSampleAt);

        Assert.Equal(Window.AddMilliseconds(-250), stored.FirstSampleAt);
        Assert.Equal(Window.AddSeconds(4).AddMilliseconds(-250), stored.LastSampleAt);
        Assert.Equal(stored.Targets.Select(t => (t.Name, t.Uplink, t.IntervalMs, t.LatencyThresholdMs, t.LossThresholdPercent)),
            unpacked.Select(t => (t.Name, t.Uplink, t.IntervalMs, t.LatencyThresholdMs, t.LossThresholdPercent)));
        Assert.Equal(stored.Targets.SelectMany(t => t.Samples), unpacked.SelectMany(t => t.Samples));
        Assert.Equal(
            [Window.AddMilliseconds(-250), Window.AddSeconds(1).AddMilliseconds(-250), Window.AddSeconds(3).AddMilliseconds(-250)],
            unpacked[0].Samples.Select(s => s.Time));
        Assert.Equal([1234, -1, WireSample.MaxRttMicroseconds], unpacked[0].Samples.Select(s => s.Value));
    }

    [Fact]
    public void A_full_batch_packs_well_under_a_property_and_its_message()
    {
        var batch = new PingBatch
        {
            Version = 1,
            ProbeId = "home-1",
            Sequence = 1,
            WindowStart = Window,
            Targets = [.. Enumerable.Range(0, 100).Select(t => new TargetSamples
            {
                Name = $"target-{t:D3}.example.org", Host = $"10.200.{t}.1", IntervalMs = 1000,
                Samples = [.. Enumerable.Range(0, 10).Select(s => WireSample.Success(s * 1000, 5_000 + t * 97 + s * 13))],
            })],
        };

        var body = PingBatchCodec.Encode(batch);
        var packed = StoredBatch.From(batch).PackTargets();

        Assert.True(packed.Length < body.Length / 2, $"packed {packed.Length} bytes, message {body.Length}");
        Assert.True(packed.Length < 64 * 1024);
    }

    [Fact]
    public void Damaged_bytes_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => StoredBatch.UnpackTargets([], Window));
        Assert.Throws<InvalidDataException>(() => StoredBatch.UnpackTargets([9, 1], Window));
        Assert.Throws<InvalidDataException>(() => StoredBatch.UnpackTargets([1, 3, 2], Window));
    }
}
