namespace NetPulse.Probe.Icmp;

/// <summary>
/// Runs an engine's due-time loop on a thread of its own. Neither engine schedules on the thread pool: a
/// pool busy or starved by anything else in the process (measured in a test host: timers 600-900 ms late)
/// would send every target late, and rounds more than half an interval late are skipped.
/// </summary>
internal static class SchedulerThread
{
    /// <summary>Starts <paramref name="loop"/>; the task ends as cancelled when the loop returns, or with its exception.</summary>
    public static Task RunAsync(string name, Action<CancellationToken> loop, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop(cancellationToken);
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
