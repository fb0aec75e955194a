using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Storage;

/// <summary>What an instance keeps in memory stays bounded however many probes and targets it sees.</summary>
public sealed class BoundedMemoryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_probe_state_cache_holds_at_most_MaxCachedProbes_and_still_answers_for_the_rest()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now, new Dictionary<string, string?> { ["NetPulse:Limits:MaxCachedProbes"] = "10" });
        var states = rig.Get<ProbeStateStore>();

        for (var p = 0; p < 60; p++)
        {
            var state = await states.GetAsync($"probe-{p:D2}", CancellationToken.None);
            Assert.Equal($"probe-{p:D2}", state.ProbeId);
            Assert.InRange(states.CachedProbeCount, 1, 10);
        }

        Assert.Equal("probe-00", (await states.GetAsync("probe-00", CancellationToken.None)).ProbeId);
    }

    [Fact]
    public async Task A_probe_lock_lives_only_while_held_or_awaited_and_still_excludes()
    {
        var locks = new ProbeLocks();
        for (var p = 0; p < 10_000; p++)
        {
            using var entered = await locks.EnterAsync($"probe-{p}", CancellationToken.None);
        }

        Assert.Equal(0, locks.Count);

        var first = await locks.EnterAsync("probe-a", CancellationToken.None);
        var second = locks.EnterAsync("probe-a", CancellationToken.None);
        var other = await locks.EnterAsync("probe-b", CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "a second holder of one probe's lock got in");
        Assert.Equal(2, locks.Count);

        first.Dispose();
        (await second).Dispose();
        other.Dispose();
        Assert.Equal(0, locks.Count);

        using var cancelled = new CancellationTokenSource();
        var held = await locks.EnterAsync("probe-c", CancellationToken.None);
        var waiting = locks.EnterAsync("probe-c", cancelled.Token);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Target_figures_are_kept_for_at_most_MaxCachedTargetFigures_targets()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Now);
        await rig.Tables.EnsureCreatedAsync(CancellationToken.None);
        using var figures = new TargetFiguresReader(
            rig.Get<SampleReader>(), rig.Get<BatchStore>(), rig.Time, Options.Create(new LimitsOptions { MaxCachedTargetFigures = 20 }));
        var names = Enumerable.Range(0, 100).Select(t => $"host-{t:D3}").ToList();

        var read = await figures.GetAsync("probe-1", null, names, CancellationToken.None);

        Assert.Equal(100, read.Count);
        Assert.InRange(figures.CachedCount, 1, 20);
    }
}
