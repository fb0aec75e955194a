using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Storage;

public sealed class CreateOnceTests
{
    [Fact]
    public async Task After_a_successful_create_later_calls_create_nothing()
    {
        var calls = 0;
        var once = new CreateOnce(_ =>
        {
            calls++;
            return Task.CompletedTask;
        });

        for (var i = 0; i < 3; i++)
        {
            await once.EnsureAsync(CancellationToken.None);
        }

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_failed_create_is_tried_again_by_the_next_call()
    {
        var calls = 0;
        var once = new CreateOnce(_ => ++calls == 1 ? throw new InvalidOperationException("storage is down") : Task.CompletedTask);

        await Assert.ThrowsAsync<InvalidOperationException>(() => once.EnsureAsync(CancellationToken.None).AsTask());
        await once.EnsureAsync(CancellationToken.None);
        await once.EnsureAsync(CancellationToken.None);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Calls_racing_the_first_share_its_create()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        var once = new CreateOnce(async _ =>
        {
            Interlocked.Increment(ref calls);
            await release.Task;
        });

        var racing = Enumerable.Range(0, 8).Select(_ => once.EnsureAsync(CancellationToken.None).AsTask()).ToList();
        release.SetResult();
        await Task.WhenAll(racing);

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_caller_that_gives_up_fails_only_its_own_wait()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        // A create that honours the token it is given, as the storage SDK's do.
        var once = new CreateOnce(async ct =>
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(ct);
        });
        using var giveUp = new CancellationTokenSource();

        var impatient = once.EnsureAsync(giveUp.Token).AsTask();
        var patient = once.EnsureAsync(CancellationToken.None).AsTask();
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        release.SetResult();
        await patient;

        Assert.Equal(1, calls);
    }
}
