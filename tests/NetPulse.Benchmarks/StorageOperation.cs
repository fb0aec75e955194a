using System.Text;
using System.Text.RegularExpressions;

namespace NetPulse.Benchmarks;

/// <summary>The price lines a storage request is billed on (see <see cref="PriceTable"/>).</summary>
internal enum BillingLine
{
    TableWrite,
    TableBatchWrite,
    TableRead,
    QueueOperation,
    BlobWrite,
    BlobListOrCreateContainer,
    BlobRead,
    BlobOther,
    BlobFree,
}

internal enum StorageService
{
    Blob,
    Queue,
    Table,
}

/// <summary>
/// One kind of storage request as the storage side sees it, e.g. "queue ping-batches: get messages (empty poll)":
/// service, the table, queue or lock it touches, the REST operation, and the line it is billed on.
/// </summary>
internal sealed partial record StorageOperation(string Name, BillingLine Line)
{
    /// <summary>
    /// Classifies a request from its method, its raw target (path and query, as sent), the lease action
    /// header, its body (for entity group transactions) and its response body (empty polls).
    /// </summary>
    public static StorageOperation Classify(
        StorageService service, string method, string rawTarget, string? leaseAction, ReadOnlySpan<byte> requestBody, ReadOnlySpan<byte> responseBody)
    {
        var (segments, query) = Split(rawTarget);
        return service switch
        {
            StorageService.Queue => Queue(method, segments, query, responseBody),
            StorageService.Table => Table(method, segments, requestBody),
            _ => Blob(method, segments, query, leaseAction),
        };
    }

    /// <summary>Operations inside an entity group transaction body: one per changeset request line.</summary>
    public static int CountTransactionEntities(ReadOnlySpan<byte> body) => ChangesetRequestLine().Count(Encoding.UTF8.GetString(body));

    private static StorageOperation Queue(string method, string[] segments, string query, ReadOnlySpan<byte> responseBody)
    {
        // /account/queue[/messages[/id]]
        var queue = segments.Length > 1 ? segments[1] : "(account)";
        var name = (method, segments.Length) switch
        {
            ("POST", 3) => "put message",
            ("GET", 3) when query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) => "peek messages",
            ("GET", 3) => responseBody.IndexOf("<QueueMessage>"u8) >= 0 ? "get messages (got one or more)" : "get messages (empty poll)",
            ("DELETE", 4) => "delete message",
            ("PUT", 4) => "update message (visibility)",
            ("DELETE", 3) => "clear messages",
            ("PUT", 2) when query.Contains("comp=metadata", StringComparison.Ordinal) => "set queue metadata",
            ("PUT", 2) => "create queue",
            ("GET" or "HEAD", 2) when query.Contains("comp=metadata", StringComparison.Ordinal) => "get queue metadata",
            ("DELETE", 2) => "delete queue",
            ("GET", 1) when query.Contains("comp=list", StringComparison.Ordinal) => "list queues",
            _ => $"{method} other",
        };
        return new StorageOperation($"queue {queue}: {name}", BillingLine.QueueOperation);
    }

    private static StorageOperation Table(string method, string[] segments, ReadOnlySpan<byte> requestBody)
    {
        // /account/Tables, /account/$batch, /account/table, /account/table(PartitionKey='..',RowKey='..'), /account/table()
        var resource = segments.Length > 1 ? segments[1] : "";
        if (resource == "$batch")
        {
            var table = TransactionTable().Match(Encoding.UTF8.GetString(requestBody)) is { Success: true } m ? m.Groups["table"].Value : "?";
            return new StorageOperation($"table {table}: entity group transaction ($batch)", BillingLine.TableBatchWrite);
        }

        if (resource.StartsWith("Tables", StringComparison.Ordinal))
        {
            return method == "GET"
                ? new StorageOperation("table service: query tables", BillingLine.TableRead)
                : new StorageOperation($"table service: {(method == "POST" ? "create table" : "delete table")}", BillingLine.TableWrite);
        }

        var paren = resource.IndexOf('(', StringComparison.Ordinal);
        var tableName = paren < 0 ? resource : resource[..paren];
        var keyed = paren >= 0 && !resource.EndsWith("()", StringComparison.Ordinal);
        return method switch
        {
            "GET" => new StorageOperation($"table {tableName}: {(keyed ? "point read" : "query")}", BillingLine.TableRead),
            "POST" => new StorageOperation($"table {tableName}: insert entity", BillingLine.TableWrite),
            "PUT" => new StorageOperation($"table {tableName}: upsert/replace entity", BillingLine.TableWrite),
            "MERGE" or "PATCH" => new StorageOperation($"table {tableName}: merge entity", BillingLine.TableWrite),
            "DELETE" => new StorageOperation($"table {tableName}: delete entity", BillingLine.TableWrite),
            _ => new StorageOperation($"table {tableName}: {method}", BillingLine.TableWrite),
        };
    }

    private static StorageOperation Blob(string method, string[] segments, string query, string? leaseAction)
    {
        // /account/container/blob-path; locks are blobs named after the function, under the host id.
        var container = segments.Length > 1 ? segments[1] : "(account)";
        var blob = segments.Length > 2 ? LockName(segments[^1]) : null;
        var where = blob is null ? $"blob {container}" : $"blob {container}/…/{blob}";
        if (query.Contains("comp=lease", StringComparison.Ordinal))
        {
            return new StorageOperation($"{where}: {leaseAction?.ToLowerInvariant() ?? "?"} lease", BillingLine.BlobOther);
        }

        var isContainer = query.Contains("restype=container", StringComparison.Ordinal);
        return (method, isContainer) switch
        {
            ("GET", true) when query.Contains("comp=list", StringComparison.Ordinal) => new($"{where}: list blobs", BillingLine.BlobListOrCreateContainer),
            ("PUT", true) when !query.Contains("comp=", StringComparison.Ordinal) => new($"{where}: create container", BillingLine.BlobListOrCreateContainer),
            ("GET" or "HEAD", true) => new($"{where}: get container properties", BillingLine.BlobOther),
            ("DELETE", _) => new($"{where}: delete", BillingLine.BlobFree),
            ("PUT", false) when query.Contains("comp=metadata", StringComparison.Ordinal) => new($"{where}: set metadata", BillingLine.BlobOther),
            ("PUT", false) => new($"{where}: put blob/block", BillingLine.BlobWrite),
            ("GET", false) when query.Contains("comp=list", StringComparison.Ordinal) => new($"{where}: list containers", BillingLine.BlobListOrCreateContainer),
            ("GET", false) => new($"{where}: get blob", BillingLine.BlobRead),
            ("HEAD", false) => new($"{where}: get blob properties", BillingLine.BlobOther),
            _ => new($"{where}: {method} other", BillingLine.BlobOther),
        };
    }

    /// <summary>The lock blobs' names carry the host id as a directory; the file name (function and kind) is what differs.</summary>
    private static string LockName(string segment) => Uri.UnescapeDataString(segment);

    private static (string[] Segments, string Query) Split(string rawTarget)
    {
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[(q + 1)..];
        return (path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray(), query);
    }

    [GeneratedRegex(@"^(POST|PUT|MERGE|PATCH|DELETE) https?://", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ChangesetRequestLine();

    [GeneratedRegex(@"^(?:POST|PUT|MERGE|PATCH|DELETE) https?://[^/]+/[^/]+/(?<table>[A-Za-z0-9]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TransactionTable();
}
