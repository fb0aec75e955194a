using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// Counts the requests a storage client really sends, as a policy on its own pipeline: what the service would
/// bill, seen from the client side.
/// </summary>
internal sealed class RequestCounter : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();
    private readonly ConcurrentQueue<string> _queries = new();

    public IReadOnlyList<(string Method, string Path)> Requests => [.. _requests];

    /// <summary>The table queries' filters (unescaped), in the order sent: which scans a read made, not only how many.</summary>
    public IReadOnlyList<(string Path, string Filter)> Queries => [.. _queries.Select(q => (q[..q.IndexOf('?', StringComparison.Ordinal)], Filter(q)))];

    /// <summary>Requests that change a table: inserts, upserts, deletes and transactions (table creation left out).</summary>
    public int TableWrites => _requests.Count(r => IsTable(r.Path) && r.Method != "GET" && !r.Path.EndsWith("/Tables", StringComparison.Ordinal));

    public int TableReads => _requests.Count(r => IsTable(r.Path) && r.Method == "GET");

    public int QueuePuts => _requests.Count(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Method == "POST");

    public void Reset()
    {
        _requests.Clear();
        _queries.Clear();
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path));
        if (message.Request.Uri.Query.Contains("$filter=", StringComparison.Ordinal))
        {
            _queries.Enqueue(message.Request.Uri.Path + message.Request.Uri.Query);
        }
    }

    private static string Filter(string pathAndQuery) =>
        Uri.UnescapeDataString(pathAndQuery[(pathAndQuery.IndexOf("$filter=", StringComparison.Ordinal) + "$filter=".Length)..].Split('&')[0]);

    private static bool IsTable(string path) => !path.EndsWith("/messages", StringComparison.Ordinal) && !path.Contains("/alerts", StringComparison.Ordinal);
}
