using NetPulse.Contracts;

namespace NetPulse.Contracts.Tests;

/// <summary>Path snapshots travel with a batch in both wire versions, are optional, and are checked like the rest.</summary>
public sealed class PathSnapshotTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(PingBatch.JsonVersion)]
    [InlineData(PingBatch.BinaryVersion)]
    public void Snapshots_survive_a_round_trip(int version)
    {
        PathSnapshot[] paths = [Snapshot() with { Reason = PathSnapshotReason.Baseline }, Snapshot() with { Target = "dns", Destination = "fd00:200::2", ReachedDestination = false, Hops = [Hop(1, "fd00:200::1", 10, 10), Hop(2, null, 10, 0)] }];

        var decoded = PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(version) with { Paths = paths }));

        Assert.NotNull(decoded.Paths);
        Assert.Equal(2, decoded.Paths.Count);
        for (var i = 0; i < paths.Length; i++)
        {
            Assert.Equal(paths[i] with { Hops = [] }, decoded.Paths[i] with { Hops = [] });
            Assert.Equal(paths[i].Hops.Count, decoded.Paths[i].Hops.Count);
            for (var h = 0; h < paths[i].Hops.Count; h++)
            {
                Assert.Equal(paths[i].Hops[h] with { OtherAddresses = null }, decoded.Paths[i].Hops[h] with { OtherAddresses = null });
                Assert.Equal(paths[i].Hops[h].OtherAddresses, decoded.Paths[i].Hops[h].OtherAddresses);
            }
        }

        Assert.Equal(["10.200.9.7"], decoded.Paths[0].Hops[1].OtherAddresses!);
    }

    [Theory]
    [InlineData(PingBatch.JsonVersion)]
    [InlineData(PingBatch.BinaryVersion)]
    public void A_batch_without_paths_reads_as_before(int version)
    {
        Assert.Null(PingBatchCodec.Decode(PingBatchCodec.Encode(Batch(version))).Paths);
    }

    [Fact]
    public void A_paths_section_that_is_not_json_is_refused_by_name()
    {
        var body = PingBatchCodec.Encode(Batch(PingBatch.BinaryVersion));
        var payload = body[6..];
        Assert.Equal(0, body[4]);
        Assert.Equal(payload.Length, body[5]);
        byte[] damaged = [.. payload, 2, 2, (byte)'[', (byte)'x'];

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode([.. "NPB"u8, (byte)PingBatch.BinaryVersion, 0, (byte)damaged.Length, .. damaged]));

        Assert.Contains("the paths section is not a list of path snapshots", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paths[0].destination must be a numeric IPv4 or IPv6 address")]
    [InlineData("paths[0].hops[1].ttl is 3")]
    [InlineData("paths[0].hops[0].received is 11")]
    [InlineData("paths[0].hops[0].lossPercent is 50")]
    [InlineData("paths[0].hops[0].address must be a numeric")]
    [InlineData("paths[0].hops[2].address is missing although replies were received")]
    [InlineData("paths[0].hops[0].times best 3, average 2")]
    [InlineData("paths[0].hops holds 65 hops")]
    [InlineData("paths[0].cycles is 0")]
    [InlineData("paths[0].target must")]
    [InlineData("paths[0].reachedDestination is true but the last hop is not the destination")]
    [InlineData("paths[0].hops[1].otherAddresses must hold numeric")]
    [InlineData("'paths' holds 9 snapshots")]
    public void A_snapshot_that_breaks_a_rule_is_refused_by_field(string expected)
    {
        var good = Snapshot();
        PathHop First(PathHop hop) => hop;
        var hops = good.Hops.ToArray();
        IReadOnlyList<PathSnapshot> paths = expected switch
        {
            _ when expected.Contains("destination must", StringComparison.Ordinal) => [good with { Destination = "dest.example" }],
            _ when expected.Contains("ttl", StringComparison.Ordinal) => [good with { Hops = [hops[0], hops[1] with { Ttl = 3 }, hops[2], hops[3]] }],
            _ when expected.Contains("received is", StringComparison.Ordinal) => [good with { Hops = [First(hops[0]) with { Received = 11 }, .. hops[1..]] }],
            _ when expected.Contains("lossPercent", StringComparison.Ordinal) => [good with { Hops = [hops[0] with { LossPercent = 50 }, .. hops[1..]] }],
            _ when expected.Contains("hops[0].address", StringComparison.Ordinal) => [good with { Hops = [hops[0] with { Address = "router-1" }, .. hops[1..]] }],
            _ when expected.Contains("missing although", StringComparison.Ordinal) => [good with { Hops = [hops[0], hops[1], hops[2] with { Address = null }, hops[3]] }],
            _ when expected.Contains("times", StringComparison.Ordinal) => [good with { Hops = [hops[0] with { BestMs = 3, AverageMs = 2 }, .. hops[1..]] }],
            _ when expected.Contains("65 hops", StringComparison.Ordinal) => [good with { ReachedDestination = false, Hops = [.. Enumerable.Range(1, 65).Select(ttl => Hop(ttl, null, 10, 0))] }],
            _ when expected.Contains("cycles", StringComparison.Ordinal) => [good with { Cycles = 0 }],
            _ when expected.Contains("target must", StringComparison.Ordinal) => [good with { Target = "gw\u202Eexe" }],
            _ when expected.Contains("reachedDestination", StringComparison.Ordinal) => [good with { Hops = hops[..3] }],
            _ when expected.Contains("otherAddresses", StringComparison.Ordinal) => [good with { Hops = [hops[0], hops[1] with { OtherAddresses = ["r2.example"] }, hops[2], hops[3]] }],
            _ => [.. Enumerable.Repeat(good, 9)],
        };

        foreach (var version in new[] { PingBatch.JsonVersion, PingBatch.BinaryVersion })
        {
            var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Encode(Batch(version) with { Paths = paths }));
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_snapshot_is_refused_on_the_way_in_too()
    {
        var json = System.Text.Encoding.UTF8.GetString(PingBatchCodec.Encode(Batch(PingBatch.JsonVersion) with { Paths = [Snapshot()] }));
        var damaged = System.Text.Encoding.UTF8.GetBytes(json.Replace("\"received\":10", "\"received\":12", StringComparison.Ordinal));

        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(damaged));

        Assert.Contains("hops[0].received is 12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reason_travels_as_a_word_and_an_unknown_one_is_refused_by_name()
    {
        var json = System.Text.Encoding.UTF8.GetString(PingBatchCodec.Encode(Batch(PingBatch.JsonVersion) with { Paths = [Snapshot() with { Reason = PathSnapshotReason.Trouble }] }));
        Assert.Contains("\"reason\":\"trouble\"", json, StringComparison.Ordinal);

        var damaged = System.Text.Encoding.UTF8.GetBytes(json.Replace("\"reason\":\"trouble\"", "\"reason\":7", StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidPingBatchException>(() => PingBatchCodec.Decode(damaged));

        Assert.Contains("reason is 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_is_rounded_to_one_decimal()
    {
        Assert.Equal(33.3, PathHop.Loss(3, 2));
        Assert.Equal(0, PathHop.Loss(0, 0));
        Assert.Equal(100, PathHop.Loss(10, 0));
    }

    internal static PathSnapshot Snapshot() => new()
    {
        Target = "gw",
        Destination = "10.200.4.2",
        StartedAt = Start,
        Cycles = 10,
        ReachedDestination = true,
        Hops =
        [
            Hop(1, "10.200.1.2", 10, 10),
            Hop(2, "10.200.2.2", 10, 9) with { OtherAddresses = ["10.200.9.7"] },
            Hop(3, "10.200.3.2", 10, 7),
            Hop(4, "10.200.4.2", 10, 7),
        ],
    };

    internal static PathHop Hop(int ttl, string? address, int sent, int received) => new()
    {
        Ttl = ttl,
        Address = address,
        Sent = sent,
        Received = received,
        LossPercent = PathHop.Loss(sent, received),
        LastMs = received == 0 ? null : 1.5,
        BestMs = received == 0 ? null : 0.25,
        AverageMs = received == 0 ? null : 1.125,
        WorstMs = received == 0 ? null : 2.5,
        StdDevMs = received == 0 ? null : 0.5,
    };

    private static PingBatch Batch(int version) => new()
    {
        Version = version,
        ProbeId = "home-1",
        Sequence = 7,
        WindowStart = Start,
        Targets = [new TargetSamples { Name = "gw", Host = "192.0.2.1", IntervalMs = 1000, Samples = [WireSample.Success(0, 900), WireSample.Failure(1000, PingStatus.Timeout)] }],
    };
}
