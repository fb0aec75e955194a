namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Creates a store's tables, containers or queues on first use, once per instance: after the first success
/// <see cref="EnsureAsync"/> costs no request. A failed create is not remembered, so the next call tries again.
/// </summary>
public sealed class CreateOnce
{
    private readonly Func<CancellationToken, Task> _create;
    private volatile bool _done;

    /// <param name="create">Creates what is missing and leaves what exists (CreateIfNotExists).</param>
    public CreateOnce(Func<CancellationToken, Task> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
    }

    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        // No lock: CreateIfNotExists is idempotent, so a call racing the first costs one extra create, not a wrong answer.
        if (!_done)
        {
            await _create(cancellationToken);
            _done = true;
        }
    }
}
