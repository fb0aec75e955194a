namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Creates a store's tables, containers or queues on first use, once per instance: after the first success
/// <see cref="EnsureAsync"/> costs no request. A failed create is not remembered, so the next call tries again.
/// </summary>
public sealed class CreateOnce
{
    private readonly Func<CancellationToken, Task> _create;
    private readonly Lock _gate = new();
    private Task? _creating;

    /// <param name="create">Creates what is missing and leaves what exists (CreateIfNotExists).</param>
    public CreateOnce(Func<CancellationToken, Task> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
    }

    public ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        Task creating;
        lock (_gate)
        {
            // Callers racing the first share its create: a cold start with many batches in flight sends one set of
            // creates, not one per batch. The shared create belongs to no caller, so one caller giving up (its token)
            // stops its own wait and fails no other caller.
            if (_creating is null || _creating.IsFaulted || _creating.IsCanceled)
            {
                _creating = _create(CancellationToken.None);
            }

            creating = _creating;
        }

        return creating.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(creating.WaitAsync(cancellationToken));
    }
}
