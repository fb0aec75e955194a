using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPulse.DevHost;

/// <summary>
/// Keeps the WebJobs triggers alive while storage does not answer at all (Azurite stopped, a network blip).
/// </summary>
/// <remarks>
/// The queue listener of Microsoft.Azure.WebJobs.Extensions.Storage.Queues backs off on a
/// <see cref="RequestFailedException"/> with a 5xx status and polls again, but a refused connection reaches it as the
/// retry policy's <see cref="AggregateException"/> ("Retry failed after 6 tries"), which it rethrows; the SDK's
/// exception handler then ends the process (Azure/azure-sdk-for-net#35650, Azure/azure-webjobs-sdk#3119). The
/// Functions host survives the same failure by restarting its script host; the dev host instead gives the listener
/// the answer an unavailable storage account gives, 503, so the listener's own back-off (up to maxPollingInterval)
/// applies and it resumes when storage answers. The outage is logged once per endpoint, and its end once.
/// Added to every storage client the WebJobs extensions create (per call, outside their retries).
/// </remarks>
internal sealed class StorageOutagePolicy(ILogger<StorageOutagePolicy> logger, TimeProvider time) : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _outages = new(StringComparer.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = time.GetUtcNow();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception ex) when (IsUnanswered(ex))
        {
            throw Unavailable(message, ex, started);
        }

        Answered(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = time.GetUtcNow();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnanswered(ex))
        {
            throw Unavailable(message, ex, started);
        }

        Answered(message);
    }

    /// <summary>What this policy throws, or what it would turn into that: storage did not answer.</summary>
    internal static bool IsOutage(Exception exception) =>
        exception is RequestFailedException { Status: 503, InnerException: { } inner } && IsUnanswered(inner) || IsUnanswered(exception);

    /// <summary>No response at all: the transport's status-0 failure, alone or as every attempt of the retry policy.</summary>
    internal static bool IsUnanswered(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 } => true,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(e => e is RequestFailedException { Status: 0 }),
        _ => false,
    };

    /// <param name="started">When the call whose every try went unanswered began: about when the outage did.</param>
    private RequestFailedException Unavailable(HttpMessage message, Exception exception, DateTimeOffset started)
    {
        var endpoint = Endpoint(message);
        var reason = exception is AggregateException all ? all.InnerExceptions[^1].Message : exception.Message;
        if (_outages.TryAdd(endpoint, started))
        {
            logger.LogWarning(
                "Storage at {Endpoint} does not answer ({Reason}); the triggers back off and resume when it answers",
                endpoint,
                reason);
        }

        return new RequestFailedException(503, $"Storage at {endpoint} does not answer: {reason}", "ServerBusy", exception);
    }

    private void Answered(HttpMessage message)
    {
        if (!_outages.IsEmpty && _outages.TryRemove(Endpoint(message), out var since))
        {
            logger.LogWarning(
                "Storage at {Endpoint} answers again after {Seconds:0} s",
                Endpoint(message),
                (time.GetUtcNow() - since).TotalSeconds);
        }
    }

    private static string Endpoint(HttpMessage message) => message.Request.Uri.ToUri().GetLeftPart(UriPartial.Authority);
}
