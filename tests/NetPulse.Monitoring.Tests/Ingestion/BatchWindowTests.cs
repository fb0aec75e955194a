using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>A batch is stored only when its window starts between the backlog limit ago and 10 minutes ahead of the host's clock.</summary>
public sealed class BatchWindowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static PingBatch Batch() => new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Batches(1)[0];

    [Fact]
    public async Task A_window_more_than_ten_minutes_ahead_is_refused_with_its_reason_and_nothing_is_written()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start - IngestBatchHandler.MaxWindowAhead - TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch()));

        Assert.Equal(
            "'windowStart' 2026-03-02T10:00:00.0000000Z is 00:10:01 ahead of this host's clock (2026-03-02T09:49:59.0000000Z); at most 00:10:00 is allowed, so the probe's clock is wrong",
            refused.Message);
        Assert.Empty(rig.Counter.Requests);
    }

    [Fact]
    public async Task A_window_older_than_the_backlog_limit_is_refused_with_its_reason_and_nothing_is_written()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start + TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch()));

        Assert.Contains("is 30.00:00:01 before this host's clock", refused.Message, StringComparison.Ordinal);
        Assert.Contains("older than NetPulse:Storage:BacklogLimit (30.00:00:00) are not stored", refused.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Counter.Requests);
    }

    [Theory]
    [InlineData(-600)] // the window starts exactly 10 minutes ahead
    [InlineData(0)]
    [InlineData(30 * 86_400)] // exactly the backlog limit ago
    public async Task A_window_within_bounds_is_stored(int nowAfterStartSeconds)
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddSeconds(nowAfterStartSeconds));
        var batch = Batch();

        await rig.IngestAsync(batch);

        var samples = await rig.Samples.GetSamplesAsync("home-1", "gw", Start, Start.AddMinutes(1), CancellationToken.None);
        Assert.Equal(batch.SampleCount, samples.Count);
    }

    [Fact]
    public async Task A_refused_batch_is_stored_on_a_later_delivery_once_it_is_in_bounds()
    {
        // A probe whose clock ran ahead: its batch is refused while the host's clock is behind it.
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(-11));
        var batch = Batch();
        await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(batch, "m-1", 1));
        Assert.Equal(0, rig.Counter.TableWrites);

        rig.Time.SetUtcNow(Start.AddSeconds(12));
        await rig.IngestAsync(batch, "m-1", 2);

        Assert.Equal(batch.SampleCount, (await rig.Samples.GetSamplesAsync("home-1", "gw", Start, Start.AddMinutes(1), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_backlog_limit_is_a_setting()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddDays(3), new Dictionary<string, string?> { ["NetPulse:Storage:BacklogLimit"] = "2.00:00:00" });

        var refused = await Assert.ThrowsAsync<InvalidPingBatchException>(() => rig.IngestAsync(Batch()));

        Assert.Contains("NetPulse:Storage:BacklogLimit (2.00:00:00)", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12:00:00")]
    [InlineData("401.00:00:00")]
    public void A_backlog_limit_out_of_range_stops_the_start_naming_the_setting(string limit)
    {
        var failure = Assert.Throws<OptionsValidationException>(
            () => IngestionRig.Create(azurite.ConnectionString, Start, new Dictionary<string, string?> { ["NetPulse:Storage:BacklogLimit"] = limit }));

        Assert.Contains($"NetPulse:Storage:BacklogLimit is {limit}; it must be between 1.00:00:00 and 400.00:00:00", failure.Message, StringComparison.Ordinal);
    }
}
