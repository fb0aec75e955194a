using System.Text;
using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

public sealed class PingBatchCodecTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_survives_a_round_trip()
    {
        var batch = Batch(Target("gw", [WireSample.Success(0, 1234), WireSample.Failure(1000, PingStatus.Timeout)]) with { Uplink = true, LatencyThresholdMs = 80 });

        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(batch));

        Assert.Equal(batch.ProbeId, decoded.ProbeId);
        Assert.Equal(batch.Sequence, decoded.Sequence);
        Assert.Equal(batch.WindowStart, decoded.WindowStart);
        var target = Assert.Single(decoded.Targets);
        Assert.True(target.Uplink);
        Assert.Equal(80, target.LatencyThresholdMs);
        Assert.Equal([WireSample.Success(0, 1234), WireSample.Failure(1000, PingStatus.Timeout)], target.Samples);
        Assert.Equal(PingStatus.Timeout, target.Samples[1].Status);
        Assert.Null(target.Samples[1].RttMicroseconds);
    }

    [Fact]
    public void Samples_travel_as_compact_pairs()
    {
        var json = Encoding.UTF8.GetString(PingBatchCodec.Encode(Batch(Target("a", [WireSample.Success(0, 250), WireSample.Failure(2000, PingStatus.Unreachable)]))));

        Assert.Contains("\"samples\":[[0,250],[2000,-2]]", json, StringComparison.Ordinal);
        Assert.Contains("\"probeId\":\"home-1\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Hundred_targets_for_ten_seconds_at_one_hertz_fit_one_message()
    {
        var targets = Enumerable.Range(0, 100)
            .Select(i => Target($"target-{i:000}-with-a-longish-name", [.. Enumerable.Range(0, 10).Select(s => WireSample.Success(s * 1000, 123_456))]) with
            {
                Host = $"host-{i}.branch-office.example.com",
                Category = "branch office",
            })
            .ToList();

        var body = PingBatchCodec.Encode(Batch([.. targets]));

        Assert.True(Convert.ToBase64String(body).Length <= 64 * 1024, $"{body.Length} bytes is {Convert.ToBase64String(body).Length} in Base64");
    }

    [Fact]
    public void An_oversized_body_is_rejected_with_its_size()
    {
        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(new byte[PingBatchCodec.MaxBodyBytes + 1]));
        Assert.Contains("48961 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"probeId\":\"a\"}", "no 'version'")]
    [InlineData("{\"version\":2,\"probeId\":\"a\"}", "ping-batch version 2 is binary")]
    [InlineData("{\"version\":3,\"probeId\":\"a\"}", "unsupported ping-batch version 3")]
    [InlineData("{\"version\":\"1\"}", "'version' must be a whole number")]
    [InlineData("{\"version\":1,\"probeId\":\"a\"}", "missing required properties")]
    [InlineData("{\"version\":1,\"probeId\":\"a\",\"sequence\":1,\"windowStart\":\"2026-11-27T05:00:00Z\",\"targets\":[{\"name\":\"t\",\"host\":\"h\",\"intervalMs\":1000,\"samples\":[[0]]}]}", "a sample must be")]
    [InlineData("{\"version\":1,\"probeId\":\"a\",\"sequence\":1,\"windowStart\":\"2026-11-27T05:00:00Z\",\"targets\":[]}", "at least one target")]
    public void Malformed_bodies_are_rejected_with_a_reason(string body, string reason)
    {
        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(Encoding.UTF8.GetBytes(body)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, PingBatch> InconsistentBatches => new()
    {
        { "probeId", Batch(Target("a", [WireSample.Success(0, 1)])) with { ProbeId = "bad/probe" } },
        { "'sequence' is -1", Batch(Target("a", [WireSample.Success(0, 1)])) with { Sequence = -1 } },
        { "appears twice", Batch(Target("a", [WireSample.Success(0, 1)]), Target("A", [WireSample.Success(0, 1)])) },
        { "name must not contain U+000A (a control character)", Batch(Target("bad\nname", [WireSample.Success(0, 1)])) },
        { "less than 1000 ms after", Batch(Target("a", [WireSample.Success(0, 1), WireSample.Success(999, 1)])) },
        { "less than 1000 ms after", Batch(Target("a", [WireSample.Success(2000, 1), WireSample.Success(1000, 1)])) },
        { "no known failure status", Batch(Target("a", [new WireSample(0, -99)])) },
        { "RTT 60000001", Batch(Target("a", [new WireSample(0, 60_000_001)])) },
        { "offset -5", Batch(Target("a", [new WireSample(-5, 1)])) },
        { "intervalMs is 500", Batch(Target("a", [WireSample.Success(0, 1)]) with { IntervalMs = 500 }) },
        { "at least one sample", Batch(Target("a", [])) },
        { "lossThresholdPercent", Batch(Target("a", [WireSample.Success(0, 1)]) with { LossThresholdPercent = 0 }) },
        { "windowStart", Batch(Target("a", [WireSample.Success(0, 1)])) with { WindowStart = DateTimeOffset.MinValue } },
    };

    [Theory]
    [MemberData(nameof(InconsistentBatches))]
    public void Inconsistent_batches_are_refused_by_writer_and_reader(string reason, PingBatch batch)
    {
        var onWrite = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(batch));
        Assert.Contains(reason, onWrite.Message, StringComparison.Ordinal);

        // A reader meets the same batch from a writer that skipped the checks.
        var unchecked_ = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(batch, PingBatchJsonContext.Default.PingBatch));
        var onRead = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(unchecked_));
        Assert.Contains(reason, onRead.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, TargetSamples> HiddenCharacters => new()
    {
        { "targets[0].name must not contain U+202E (a format character)", Target("gw\u202Eexe.txt", [WireSample.Success(0, 1)]) },
        { "targets[0].name must not contain U+200B (a format character)", Target("g\u200Bw", [WireSample.Success(0, 1)]) },
        { "targets[0].name must not contain U+FEFF (a format character)", Target("\uFEFFgw", [WireSample.Success(0, 1)]) },
        { "targets[0].name must not contain U+2028 (a line separator)", Target("gw\u2028x", [WireSample.Success(0, 1)]) },
        { "targets[0].name must not contain U+E0001 (a format character)", Target("gw\U000E0001", [WireSample.Success(0, 1)]) },
        { "targets[0] ('gw').host must not contain U+0000 (a control character)", Target("gw", [WireSample.Success(0, 1)]) with { Host = "192.0.2.1\0" } },
        { "targets[0] ('gw').category must not contain U+2029 (a paragraph separator)", Target("gw", [WireSample.Success(0, 1)]) with { Category = "a\u2029b" } },
        { "targets[0] ('gw').description must not contain U+202E (a format character)", Target("gw", [WireSample.Success(0, 1)]) with { Description = "fine \u202Eenil" } },
        { "targets[0] ('gw').description must not contain U+000D (a control character)", Target("gw", [WireSample.Success(0, 1)]) with { Description = "two\r\nlines" } },
    };

    [Theory]
    [MemberData(nameof(HiddenCharacters))]
    public void A_batch_with_a_hidden_character_in_its_text_is_refused_naming_field_and_code_point(string reason, TargetSamples target)
    {
        // As a hostile or broken writer would send it: the checks skipped.
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Batch(target), PingBatchJsonContext.Default.PingBatch));

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(body));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Visible_text_in_any_script_is_accepted()
    {
        var target = Target("Zürich – 東京 🛰", [WireSample.Success(0, 1)]) with
        {
            Host = "bücher.example",
            Category = "café",
            Description = "Ünï, with   spaces; emoji 👍🏽",
        };

        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(target)));

        Assert.Equal(target.Description, decoded.Targets[0].Description);
    }

    [Fact]
    public void The_loss_threshold_is_described_in_the_invariant_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var problem = Assert.Single((Target("gw", []).ToSettings() with { LossThresholdPercent = 100.5 }).Problems());
            Assert.Equal(("lossThresholdPercent", "is 100.5; it must be above 0 and at most 100"), problem);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Hostile_names_round_trip_unchanged()
    {
        const string name = "<script>alert(1)</script> =cmd|' /C calc'!A0 \"q\" ünï 🛰";
        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(Target(name, [WireSample.Success(0, 1)]))));
        Assert.Equal(name, decoded.Targets[0].Name);
    }

    private static PingBatch Batch(params TargetSamples[] targets) => new()
    {
        // These are the JSON (version 1) tests; BinaryPingBatchTests holds version 2's.
        Version = PingBatch.JsonVersion,
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
