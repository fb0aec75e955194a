using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// A reverse proxy in front of Azurite that counts every request reaching storage, by operation: whatever
/// process sent it (probe, dev host, its queue listeners and lease renewals), it is counted here, as the
/// storage account would bill it. Requests are forwarded byte for byte (raw target, headers, body), so shared
/// key signatures still verify.
/// </summary>
internal sealed class CountingStorageProxy : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Expect",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly Dictionary<int, (StorageService Service, int TargetPort)> _routes;
    private volatile ConcurrentDictionary<string, OperationCounter> _counts = new(StringComparer.Ordinal);

    private CountingStorageProxy(WebApplication app, HttpClient client, Dictionary<int, (StorageService, int)> routes)
    {
        _app = app;
        _client = client;
        _routes = routes;
        int Port(StorageService s) => routes.Single(r => r.Value.Item1 == s).Key;
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{Port(StorageService.Blob)}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{Port(StorageService.Queue)}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{Port(StorageService.Table)}/devstoreaccount1;";
    }

    /// <summary>The storage account through the proxy: give this to every process whose requests should count.</summary>
    public string ConnectionString { get; }

    public static async Task<CountingStorageProxy> StartAsync(Azurite azurite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var routes = new Dictionary<int, (StorageService, int)>
        {
            [FreePort()] = (StorageService.Blob, azurite.BlobPort),
            [FreePort()] = (StorageService.Queue, azurite.QueuePort),
            [FreePort()] = (StorageService.Table, azurite.TablePort),
        };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var port in routes.Keys)
            {
                kestrel.Listen(IPAddress.Loopback, port);
            }
        });
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var proxy = new CountingStorageProxy(app, client, routes);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync(cancellationToken);
        return proxy;
    }

    /// <summary>Starts counting afresh; requests in flight at this moment may land on either side.</summary>
    public void Reset() => _counts = new ConcurrentDictionary<string, OperationCounter>(StringComparer.Ordinal);

    public IReadOnlyList<OperationCount> Counts() =>
        [.. _counts.Select(p => new OperationCount(p.Key, p.Value.Line, p.Value.Requests, p.Value.Failed, p.Value.Entities))
            .OrderBy(c => c.Line).ThenByDescending(c => c.Requests)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var (service, targetPort) = _routes[context.Connection.LocalPort];
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;

        byte[] requestBody;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, cancellationToken);
            requestBody = buffer.ToArray();
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri($"http://127.0.0.1:{targetPort}{rawTarget}"));
        var hasContentHeaders = context.Request.Headers.Keys.Any(k => k.StartsWith("Content-", StringComparison.OrdinalIgnoreCase));
        if (requestBody.Length > 0 || context.Request.ContentLength is not null || hasContentHeaders)
        {
            request.Content = new ByteArrayContent(requestBody);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!NotForwarded.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Count(service, context.Request, rawTarget, requestBody, (int)response.StatusCode, responseBody);

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (NotForwarded.Contains(name) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
            {
                continue;
            }

            context.Response.Headers[name] = values.ToArray();
        }

        if (responseBody.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(responseBody, cancellationToken);
        }
    }

    private void Count(StorageService service, HttpRequest request, string rawTarget, byte[] requestBody, int status, byte[] responseBody)
    {
        var operation = StorageOperation.Classify(
            service, request.Method, rawTarget, request.Headers["x-ms-lease-action"].FirstOrDefault(), requestBody, responseBody);
        var counter = _counts.GetOrAdd(operation.Name, _ => new OperationCounter(operation.Line));
        Interlocked.Increment(ref counter.Requests);
        if (status >= 400)
        {
            Interlocked.Increment(ref counter.Failed);
        }

        if (operation.Line == BillingLine.TableBatchWrite)
        {
            Interlocked.Add(ref counter.Entities, StorageOperation.CountTransactionEntities(requestBody));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class OperationCounter(BillingLine line)
    {
        public long Requests;
        public long Failed;
        public long Entities;

        public BillingLine Line { get; } = line;
    }
}

/// <param name="Failed">Of the requests, those answered 4xx/5xx: billed all the same once authenticated.</param>
/// <param name="Entities">For entity group transactions, the entities they carried.</param>
internal sealed record OperationCount(string Name, BillingLine Line, long Requests, long Failed, long Entities);
