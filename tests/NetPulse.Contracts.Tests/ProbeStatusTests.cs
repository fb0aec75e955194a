using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

/// <summary>The probe's status travels with a batch in both wire versions, is checked like the rest, and is optional.</summary>
public sealed class ProbeStatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static readonly ProbeStatus Status = new()
    {
        SoftwareVersion = "1.4.0+abc1234",
        Site = "office-berlin",
        IcmpEngine = "datagram-socket",
        SpoolDepth = 3,
        OldestUnsentAt = Start.AddMinutes(-7),
        ClockOffsetMs = -420,
        TargetListVersion = "\"0x8DD1\"",
    };

    [Theory]
    [InlineData(PingBatch.JsonVersion)]
    [InlineData(PingBatch.BinaryVersion)]
    public void The_status_survives_a_round_trip(int version)
    {
        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(version) with { Status = Status }));

        Assert.Equal(Status, decoded.Status);
        Assert.Equal(2, decoded.SampleCount);
    }

    [Theory]
    [InlineData(PingBatch.JsonVersion)]
    [InlineData(PingBatch.BinaryVersion)]
    public void A_batch_without_status_reads_as_before(int version)
    {
        Assert.Null(PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(version))).Status);
    }

    [Fact]
    public void A_section_this_reader_does_not_know_is_skipped()
    {
        var payload = Uncompressed(PingBatchCodec.Encode(Batch(PingBatch.BinaryVersion)));
        byte[] extended = [.. payload, 9, 3, 1, 2, 3];

        var decoded = PingBatchCodec.Decode(Frame(extended));

        Assert.Null(decoded.Status);
        Assert.Equal(2, decoded.SampleCount);
    }

    [Fact]
    public void A_section_twice_is_refused()
    {
        var payload = Uncompressed(PingBatchCodec.Encode(Batch(PingBatch.BinaryVersion)));
        byte[] twice = [.. payload, 9, 1, 0, 9, 1, 0];

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(Frame(twice)));

        Assert.Contains("section 9 appears twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_status_section_that_is_not_json_is_refused_by_name()
    {
        var payload = Uncompressed(PingBatchCodec.Encode(Batch(PingBatch.BinaryVersion)));
        byte[] damaged = [.. payload, 1, 2, (byte)'{', (byte)'x'];

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(Frame(damaged)));

        Assert.Contains("the status section is not a probe status", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status.site must not contain U+202E")]
    [InlineData("status.spoolDepth is -1")]
    [InlineData("status.clockOffsetMs is 90000000")]
    [InlineData("status.softwareVersion must be 1-64 characters")]
    public void A_status_that_breaks_a_rule_is_refused_by_field(string expected)
    {
        var status = expected switch
        {
            _ when expected.Contains("site", StringComparison.Ordinal) => Status with { Site = "lab\u202Eexe" },
            _ when expected.Contains("spoolDepth", StringComparison.Ordinal) => Status with { SpoolDepth = -1 },
            _ when expected.Contains("clockOffsetMs", StringComparison.Ordinal) => Status with { ClockOffsetMs = 90_000_000 },
            _ => Status with { SoftwareVersion = new string('v', 65) },
        };

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(Batch(PingBatch.BinaryVersion) with { Status = status }));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static PingBatch Batch(int version) => new()
    {
        Version = version,
        ProbeId = "home-1",
        Sequence = 7,
        WindowStart = Start,
        Targets = [new TargetSamples { Name = "gw", Host = "192.0.2.1", IntervalMs = 1000, Samples = [WireSample.Success(0, 900), WireSample.Failure(1000, PingStatus.Timeout)] }],
    };

    /// <summary>The payload of a body written uncompressed (small batches are: Brotli would not make them smaller).</summary>
    private static byte[] Uncompressed(byte[] body)
    {
        Assert.Equal(0, body[4]);
        var length = 0;
        var shift = 0;
        var i = 5;
        while (true)
        {
            var b = body[i++];
            length |= (b & 0x7F) << shift;
            shift += 7;
            if (b < 0x80)
            {
                break;
            }
        }

        Assert.Equal(length, body.Length - i);
        return body[i..];
    }

    private static byte[] Frame(byte[] payload)
    {
        var prefix = new List<byte>([.. "NPB"u8, (byte)PingBatch.BinaryVersion, 0]);
        var length = (uint)payload.Length;
        while (length >= 0x80)
        {
            prefix.Add((byte)(length | 0x80));
            length >>= 7;
        }

        prefix.Add((byte)length);
        return [.. prefix, .. payload];
    }
}
