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

    public TallySnapshot Snapshot() => new(
        Interlocked.Read(ref _tableWrites),
        Interlocked.Read(ref _tableTransactions),
        Interlocked.Read(ref _tableReads),
        Interlocked.Read(ref _tableCreates),
        Interlocked.Read(ref _queueOperations));

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

    private sealed class Policy(ClientRequestTally tally, bool isQueue) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            tally.Record(message.Request, isQueue);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            tally.Record(message.Request, isQueue);
            return ProcessNextAsync(message, pipeline);
        }
    }
}

internal readonly record struct TallySnapshot(long TableWrites, long TableTransactions, long TableReads, long TableCreates, long QueueOperations)
{
    public static TallySnapshot operator -(TallySnapshot a, TallySnapshot b) => new(
        a.TableWrites - b.TableWrites,
        a.TableTransactions - b.TableTransactions,
        a.TableReads - b.TableReads,
        a.TableCreates - b.TableCreates,
        a.QueueOperations - b.QueueOperations);
}
