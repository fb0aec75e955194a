using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPulse.Benchmarks;

/// <summary>
/// Counts the table and queue requests storage clients send, through a policy on each client's pipeline. The
/// cost benchmark counts on the storage side instead; this is the cheap check the ingest benchmark prints beside
/// its throughput.
/// </summary>
internal sealed class ClientRequestTally
{
    private long _tableWrites;
    private long _tableTransactions;
    private long _tableReads;
    private long _tableCreates;
    private long _queueOperations;
    private long _tableBytesRead;

    public TallySnapshot Snapshot() => new(
        Interlocked.Read(ref _tableWrites),
        Interlocked.Read(ref _tableTransactions),
        Interlocked.Read(ref _tableReads),
        Interlocked.Read(ref _tableCreates),
        Interlocked.Read(ref _queueOperations),
        Interlocked.Read(ref _tableBytesRead));

    public ClientRequestTally()
    {
        ForTables = new Policy(this, isQueue: false);
        ForQueues = new Policy(this, isQueue: true);
    }

    /// <summary>Add to a table client's options, per call.</summary>
    public HttpPipelinePolicy ForTables { get; }

    /// <summary>Add to a queue client's options, per call.</summary>
    public HttpPipelinePolicy ForQueues { get; }

    private void Record(Request request, bool isQueue)
    {
        var path = request.Uri.Path;
        if (isQueue)
        {
            Interlocked.Increment(ref _queueOperations);
        }
        else if (request.Method == RequestMethod.Get)
        {
            Interlocked.Increment(ref _tableReads);
        }
        else if (path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _tableTransactions);
        }
        else if (path.EndsWith("/Tables", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _tableCreates);
        }
        else
        {
            Interlocked.Increment(ref _tableWrites);
        }
    }

    private void RecordResponse(HttpMessage message, bool isQueue)
    {
        // Responses are buffered by the pipeline (Azurite answers queries chunked, without a Content-Length).
        if (!isQueue && message.Request.Method == RequestMethod.Get && message.HasResponse && message.Response.ContentStream is { CanSeek: true } body)
        {
            Interlocked.Add(ref _tableBytesRead, body.Length);
        }
    }

    private sealed class Policy(ClientRequestTally tally, bool isQueue) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            tally.Record(message.Request, isQueue);
            ProcessNext(message, pipeline);
            tally.RecordResponse(message, isQueue);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            tally.Record(message.Request, isQueue);
            await ProcessNextAsync(message, pipeline);
            tally.RecordResponse(message, isQueue);
        }
    }
}

/// <param name="TableBytesRead">Bytes of the response bodies of table reads.</param>
internal readonly record struct TallySnapshot(long TableWrites, long TableTransactions, long TableReads, long TableCreates, long QueueOperations, long TableBytesRead)
{
    public static TallySnapshot operator -(TallySnapshot a, TallySnapshot b) => new(
        a.TableWrites - b.TableWrites,
        a.TableTransactions - b.TableTransactions,
        a.TableReads - b.TableReads,
        a.TableCreates - b.TableCreates,
        a.QueueOperations - b.QueueOperations,
        a.TableBytesRead - b.TableBytesRead);
}
