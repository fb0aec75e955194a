using System.Runtime.ExceptionServices;
using Microsoft.Azure.WebJobs.Host.Timers;

namespace NetPulse.DevHost;

/// <summary>
/// The WebJobs SDK's last-chance handler, minus one reason to end the process: storage that does not answer.
/// </summary>
/// <remarks>
/// The queue listener hands every exception of a message's completion (deleting it, or making it visible again after a
/// failed run) to this handler, and the stock one rethrows it on a new thread, which ends the process. When storage
/// does not answer, the message stays invisible until its visibility timeout ends and is delivered again then
/// (ingestion is idempotent), so the dev host logs it and carries on. Anything else goes to the stock handler.
/// </remarks>
internal sealed class StorageOutageExceptionHandler(IWebJobsExceptionHandler stock, ILogger<StorageOutageExceptionHandler> logger)
    : IWebJobsExceptionHandler
{
    public Task OnTimeoutExceptionAsync(ExceptionDispatchInfo exceptionInfo, TimeSpan timeoutGracePeriod) =>
        stock.OnTimeoutExceptionAsync(exceptionInfo, timeoutGracePeriod);

    public Task OnUnhandledExceptionAsync(ExceptionDispatchInfo exceptionInfo)
    {
        ArgumentNullException.ThrowIfNull(exceptionInfo);
        if (!StorageOutagePolicy.IsOutage(exceptionInfo.SourceException))
        {
            return stock.OnUnhandledExceptionAsync(exceptionInfo);
        }

        logger.LogWarning(
            "A trigger's storage call failed while storage did not answer ({Reason}); its message is delivered again when its visibility timeout ends",
            exceptionInfo.SourceException.Message);
        return Task.CompletedTask;
    }
}
