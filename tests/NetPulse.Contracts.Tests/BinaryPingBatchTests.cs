using System.Text;
using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Contracts.Tests;

/// <summary>Version 2, the binary body: round trips, the same rules as JSON, and clear refusals of damaged input.</summary>
public sealed class BinaryPingBatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_with_every_setting_gaps_and_failures_survives_a_round_trip()
    {
        var batch = Batch(
            Target("gw", [WireSample.Success(250, 1234), WireSample.Failure(1250, PingStatus.Timeout), WireSample.Success(2250, 987),
                WireSample.Success(5250, 60_000_000), WireSample.Success(6270, 0), WireSample.Failure(7270, PingStatus.SendFailed)]) with
            {
                Uplink = true,
                Category = "café",
                Description = "the ISP's first hop 🛰",
                LatencyThresholdMs = 80,
                LossThresholdPercent = 2.5,
            },
            Target("dns", [WireSample.Failure(0, PingStatus.ResolveFailed)]) with { IntervalMs = 5000 },
            Target("slow", [WireSample.Success(3_600_000, 5)]) with { IntervalMs = 3_600_000 });

        var body = PingBatchCodec.Encode(batch);
        var decoded = PingBatchCodec.Decode(body);

        Assert.StartsWith("NPB\u0002", Encoding.Latin1.GetString(body), StringComparison.Ordinal);
        Assert.Equal(PingBatch.BinaryVersion, decoded.Version);
        Assert.Equal(batch.ProbeId, decoded.ProbeId);
        Assert.Equal(batch.Sequence, decoded.Sequence);
        Assert.Equal(batch.WindowStart, decoded.WindowStart);
        Assert.Equal(batch.Targets.Count, decoded.Targets.Count);
        for (var i = 0; i < batch.Targets.Count; i++)
        {
            Assert.Equal(batch.Targets[i].ToSettings(), decoded.Targets[i].ToSettings());
            Assert.Equal(batch.Targets[i].Samples, decoded.Targets[i].Samples);
        }
    }

    [Fact]
    public void A_realistic_fleet_decodes_to_what_json_carries()
    {
        var binary = PingBatchCodec.Decode(PingBatchCodec.Encode(RealisticBatches.Fleet(100, 10, PingBatch.BinaryVersion)));
        var json = PingBatchCodec.Decode(PingBatchCodec.Encode(RealisticBatches.Fleet(100, 10, PingBatch.JsonVersion)));

        Assert.Equal(json.SampleCount, binary.SampleCount);
        Assert.Equal(json.Targets.Select(t => t.ToSettings()), binary.Targets.Select(t => t.ToSettings()));
        Assert.Equal(json.Targets.SelectMany(t => t.Samples), binary.Targets.SelectMany(t => t.Samples));
    }

    [Fact]
    public void A_window_start_keeps_its_ticks()
    {
        var batch = Batch(Target("gw", [WireSample.Success(0, 1)])) with { WindowStart = Start.AddTicks(1_234_567), Sequence = long.MaxValue };

        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(batch));

        Assert.Equal(batch.WindowStart, decoded.WindowStart);
        Assert.Equal(long.MaxValue, decoded.Sequence);
    }

    [Fact]
    public void A_small_batch_goes_uncompressed_and_a_large_one_compressed()
    {
        var small = PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1)])));
        var large = PingBatchCodec.Encode(RealisticBatches.Fleet(100, 10));

        Assert.Equal(0, small[4]);
        Assert.Equal(1, large[4]);
        Assert.Equal(100, PingBatchCodec.Decode(large).Targets.Count);
    }

    public static TheoryData<string, PingBatch> BrokenRules => new()
    {
        { "'probeId' must be", Batch(Target("gw", [WireSample.Success(0, 1)])) with { ProbeId = "-bad" } },
        { "targets[1]: the name 'GW' appears twice", Batch(Target("gw", [WireSample.Success(0, 1)]), Target("GW", [WireSample.Success(0, 1)])) },
        { "targets[0] ('gw').intervalMs is 999", Batch(Target("gw", [WireSample.Success(0, 1)]) with { IntervalMs = 999 }) },
        { "targets[0] ('gw').samples[1] offset 1500 ms is less than 1000 ms after", Batch(Target("gw", [WireSample.Success(1000, 1), WireSample.Success(1500, 1)])) },
        { "targets[0].name must not contain U+202E", Batch(Target("gw\u202Eexe.txt", [WireSample.Success(0, 1)])) },
        { "targets[0] ('gw').lossThresholdPercent is NaN", Batch(Target("gw", [WireSample.Success(0, 1)]) with { LossThresholdPercent = double.NaN }) },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void The_rules_of_version_1_hold_on_write_and_on_read(string reason, PingBatch batch)
    {
        var onWrite = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(batch));
        Assert.Contains(reason, onWrite.Message, StringComparison.Ordinal);

        // A reader meets the same batch from a writer that skipped the checks.
        var onRead = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(BinaryPingBatch.Encode(batch)));
        Assert.Contains(reason, onRead.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, PingBatch> RulesTheFormatCannotCarry => new()
    {
        { "'sequence' is -1", "sequence 18446744073709551615 is beyond", Batch(Target("gw", [WireSample.Success(0, 1)])) with { Sequence = -1 } },
        { "targets[0] ('gw').samples[0] RTT 60000001 µs is above", "targets[0].samples[0] RTT 60000001 µs is outside 0-60000000", Batch(Target("gw", [WireSample.Success(0, 60_000_001)])) },
        { "targets[0] ('gw').samples[0] offset 3600001 ms is outside", "targets[0].samples[0] offset is 3600001; at most 3600000", Batch(Target("gw", [WireSample.Success(3_600_001, 1)])) },
        { "'windowStart' 1999-12-31", "'windowStart' is outside 2000-2099", Batch(Target("gw", [WireSample.Success(0, 1)])) with { WindowStart = new(1999, 12, 31, 0, 0, 0, TimeSpan.Zero) } },
    };

    [Theory]
    [MemberData(nameof(RulesTheFormatCannotCarry))]
    public void A_value_the_binary_form_cannot_hold_is_refused_by_the_reader_in_its_own_words(string onWriteReason, string onReadReason, PingBatch batch)
    {
        var onWrite = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(batch));
        Assert.Contains(onWriteReason, onWrite.Message, StringComparison.Ordinal);

        var onRead = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(BinaryPingBatch.Encode(batch)));
        Assert.Contains(onReadReason, onRead.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_1_json_is_still_read_and_keeps_its_version()
    {
        var json = PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1)])) with { Version = PingBatch.JsonVersion });

        var decoded = PingBatchCodec.Decode(json);

        Assert.Equal((byte)'{', json[0]);
        Assert.Equal(PingBatch.JsonVersion, decoded.Version);
        Assert.Equal(PingBatch.JsonVersion, PingBatchCodec.Decode(PingBatchCodec.Encode(decoded)).Version);
    }

    [Fact]
    public void An_unknown_version_is_refused_on_write_and_read()
    {
        var write = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1)])) with { Version = 3 }));
        Assert.Contains("unsupported ping-batch version 3", write.Message, StringComparison.Ordinal);

        var body = PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1)])));
        body[3] = 3;
        var read = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(body));
        Assert.Contains("unsupported binary ping-batch version 3", read.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> Damaged => new()
    {
        { "truncated: it ends inside the version byte", "NPB"u8.ToArray() },
        { "truncated: it ends inside the payload size", [.. "NPB"u8, 2, 0] },
        { "compression 7; known are 0 (none) and 1 (Brotli)", [.. "NPB"u8, 2, 7, 1, 0] },
        { $"the payload size is 196609; at most {PingBatchCodec.MaxPayloadBytes}", [.. "NPB"u8, 2, 1, 0x81, 0x80, 0x0C] },
        { "varint longer than 64 bits", [.. "NPB"u8, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        { "declares a payload of 10 bytes but carries 2 (truncated)", [.. "NPB"u8, 2, 0, 10, 1, (byte)'a'] },
        { "damaged (not a Brotli stream)", [.. "NPB"u8, 2, 1, 10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "probeId is not valid UTF-8", [.. "NPB"u8, 2, 0, 3, 2, 0xC3, 0x28] },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Damaged_input_is_refused_naming_what_is_wrong(string reason, byte[] body)
    {
        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(body));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_that_decompresses_past_its_declared_size_is_refused_without_reading_it_all()
    {
        // A "bomb": a megabyte of zeros compresses to a few bytes and declares itself small.
        var zeros = new byte[1024 * 1024];
        var compressed = new byte[System.IO.Compression.BrotliEncoder.GetMaxCompressedLength(zeros.Length)];
        Assert.True(System.IO.Compression.BrotliEncoder.TryCompress(zeros, compressed, out var length, 5, 22));
        byte[] body = [.. "NPB"u8, 2, 1, 0x80, 0x08, .. compressed.AsSpan(0, length)];

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(body));

        Assert.Contains("declares a payload of 1024 bytes but it decompresses to more", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stray_byte_after_the_last_target_is_refused()
    {
        var batch = Batch(Target("gw", [WireSample.Success(0, 1)]));
        var body = PingBatchCodec.Encode(batch);
        Assert.Equal(0, body[4]);
        byte[] longer = [.. body[..5], (byte)(body[5] + 1), .. body[6..], 0];

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(longer));

        Assert.Contains("truncated: it ends inside section 0's length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_is_refused_clearly()
    {
        foreach (var body in new[] { PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1), WireSample.Failure(2000, PingStatus.Timeout)]) with { Description = "d" })), PingBatchCodec.Encode(RealisticBatches.Fleet(20, 10)) })
        {
            for (var length = 0; length < body.Length; length++)
            {
                var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(body.AsSpan(0, length)));
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }
    }

    [Fact]
    public void Every_single_bit_flip_either_decodes_to_a_valid_batch_or_is_refused_clearly()
    {
        var bodies = new[]
        {
            PingBatchCodec.Encode(Batch(Target("gw", [WireSample.Success(0, 1200), WireSample.Failure(1000, PingStatus.Timeout), WireSample.Success(3000, 1100)]) with { LossThresholdPercent = 5 })),
            PingBatchCodec.Encode(RealisticBatches.Fleet(10, 10)),
        };
        Assert.Equal([0, 1], bodies.Select(b => (int)b[4]));
        var refused = 0;
        foreach (var body in bodies)
        {
            for (var bit = 0; bit < body.Length * 8; bit++)
            {
                var flipped = body.ToArray();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                refused += DecodesOrIsRefused(flipped) ? 0 : 1;
            }
        }

        // Most flips must be caught; the rest decode to another valid batch (which the signature refuses).
        Assert.True(refused > bodies.Sum(b => b.Length * 8) / 4, $"only {refused} flips were refused");
    }

    [Fact]
    public void Random_bytes_behind_the_magic_are_refused_clearly()
    {
        var random = new Random(15);
        for (var i = 0; i < 20_000; i++)
        {
            var body = new byte[random.Next(3, 200)];
            random.NextBytes(body);
            "NPB"u8.CopyTo(body);
            if (body.Length > 3)
            {
                body[3] = 2;
            }

            if (body.Length > 4)
            {
                body[4] = (byte)random.Next(2);
            }

            DecodesOrIsRefused(body);
        }
    }

    [Fact]
    public void Version_2_carries_every_setting_of_a_target()
    {
        // A new per-target setting must be written and read by version 2 too: this fails until BinaryPingBatch knows it.
        var carried = new[] { "Name", "Host", "Category", "Description", "Uplink", "IntervalMs", "LatencyThresholdMs", "LossThresholdPercent" };
        var settings = typeof(TargetSettings).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order();
        Assert.Equal(carried.Order(), settings);
    }

    /// <summary>True when the body decodes; false when it is refused with an <see cref="InvalidPingBatchException"/>; any other exception fails.</summary>
    private static bool DecodesOrIsRefused(byte[] body)
    {
        try
        {
            PingBatchCodec.Decode(body);
            return true;
        }
        catch (InvalidPingBatchException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return false;
        }
    }

    private static PingBatch Batch(params TargetSamples[] targets) => new()
    {
        Version = PingBatch.BinaryVersion,
        ProbeId = "home-1",
        Sequence = 42,
        WindowStart = Start,
        Targets = targets,
    };

    private static TargetSamples Target(string name, WireSample[] samples) => new()
    {
        Name = name,
        Host = "192.0.2.1",
        IntervalMs = 1000,
        Samples = samples,
    };
}
