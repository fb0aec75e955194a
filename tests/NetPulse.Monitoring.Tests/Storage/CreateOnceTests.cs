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
}
