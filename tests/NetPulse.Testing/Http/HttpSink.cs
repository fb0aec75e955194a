using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NetPulse.Testing.Http;

/// <summary>
/// A real HTTP receiver on loopback (Kestrel on 127.0.0.1, a free port) that records every request it gets: method,
/// path, query, headers and body. It answers 200 unless told otherwise (<see cref="AnswerWith"/>), can hang until the
/// client gives up (<see cref="Hang"/>), and can be stopped so the next request is refused (<see cref="StopAsync"/>).
/// </summary>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SinkRequest> _received = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile Answer _answer = new(200, string.Empty, Hang: false);
    private bool _stopped;

    private HttpSink(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:&lt;port&gt;.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<SinkRequest> Requests => [.. _received];

    public static async Task<HttpSink> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Logging.ClearProviders();
        var sink = new HttpSink(builder.Build());
        sink._app.Run(sink.ReceiveAsync);
        await sink._app.StartAsync(cancellationToken);
        sink.BaseAddress = new Uri(sink._app.Urls.Single());
        return sink;
    }

    /// <summary>A URL on the sink, e.g. Url("/webhook/abc?sig=secret").</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>Every following request gets this status and body.</summary>
    public void AnswerWith(int status, string body = "") => _answer = new Answer(status, body, Hang: false);

    /// <summary>Every following request is read and then left without an answer until the client gives up.</summary>
    public void Hang() => _answer = _answer with { Hang = true };

    /// <summary>Stops listening: the port refuses connections from now on.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _received.Enqueue(new SinkRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));

        var answer = _answer;
        if (answer.Hang)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Body.Length > 0)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(answer.Body, context.RequestAborted);
        }
    }

    private sealed record Answer(int Status, string Body, bool Hang);
}

/// <summary>One request as the sink received it; header names are case-insensitive.</summary>
public sealed record SinkRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
