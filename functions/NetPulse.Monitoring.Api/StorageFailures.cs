using Azure;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// Tells a storage account that cannot be reached (refused or dropped connections, timeouts: worth retrying later)
/// from storage that answered with an error (a bug or a broken entity: a 500, not something a client can wait out).
/// </summary>
internal static class StorageFailures
{
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        // Status 0: no HTTP response at all (the SDK's transport failed).
        RequestFailedException { Status: 0 } => true,
        RequestFailedException => false,
        TimeoutException => true,

        // The SDK's network timeout surfaces as a cancellation caused by a TimeoutException.
        OperationCanceledException { InnerException: TimeoutException } => true,

        // The retry policy, out of tries, throws every attempt's failure together.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };

    /// <summary>The innermost message: "Connection refused (127.0.0.1:10002)" rather than the SDK's retry advice.</summary>
    public static string Reason(Exception exception)
    {
        var inner = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ApiRequest.Shorten(inner.Message);
    }
}
