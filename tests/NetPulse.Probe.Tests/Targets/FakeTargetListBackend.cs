using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using NetPulse.Contracts;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>
/// The backend's target-list route on a real socket (HttpListener on 127.0.0.1): checks each request's NPR1 signature
/// against the probe's public key as the backend does, and answers what the test serves: a list with its ETag (304
/// when If-None-Match names it), 404, or nothing at all once stopped.
/// </summary>
public sealed class FakeTargetListBackend : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _publicKey;
    private readonly Task _loop;

    /// <param name="port">The port to listen on (a test that starts the backend late reserves one with <see cref="FreePort"/>).</param>
    public FakeTargetListBackend(byte[] publicKey, int? port = null)
    {
        _publicKey = publicKey;
        Port = port ?? FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri ApiUrl => new($"http://127.0.0.1:{Port}/api");

    /// <summary>The list served, or null to answer 404.</summary>
    public ManagedTargetList? Served { get; set; }

    /// <summary>The list signal's read URL the signed answers carry (<see cref="ManagedTargetList.SignalHeader"/>); none when null, as an older backend.</summary>
    public Uri? Signal { get; set; }

    /// <summary>The Date header the answers carry (real time when null).</summary>
    public DateTimeOffset? Date { get; set; }

    public ConcurrentQueue<(string Method, string Path, string? IfNoneMatch, int Status, string? SignatureProblem)> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        var ifNoneMatch = request.Headers["If-None-Match"];
        string? problem = null;

        // Read first: the signature covers the body's hash, as the backend checks it.
        var requestBody = ReadAll(request.InputStream);
        if (ProbeRequestSignature.TryParse(request.Headers["Authorization"], out var parseProblem) is not { } signature)
        {
            problem = parseProblem;
        }
        else
        {
            problem = signature.Verify(request.HttpMethod, path, DateTimeOffset.UtcNow, _publicKey, requestBody);
        }

        var served = Served;
        int status;
        byte[] body = [];
        if (problem is not null)
        {
            status = 401;
        }
        else if (request.HttpMethod == "PUT")
        {
            // The one-time import: 201 with the stored list, 409 when the probe has a managed list already.
            var put = ManagedTargetList.FromJson(requestBody);
            status = served is null ? 201 : 409;
            if (served is null)
            {
                Served = put with { Version = "imported-1" };
                body = Served.ToJson();
                response.ContentType = "application/json";
            }
        }
        else if (served is null)
        {
            status = 404;
        }
        else if (ifNoneMatch == $"\"{served.Version}\"")
        {
            status = 304;
        }
        else
        {
            status = 200;
            body = served.ToJson();
            response.Headers["ETag"] = $"\"{served.Version}\"";
            response.ContentType = "application/json";
        }

        if (problem is null && Signal is { } signal)
        {
            response.Headers[ManagedTargetList.SignalHeader] = signal.AbsoluteUri;
        }

        if (Date is { } date)
        {
            response.Headers["Date"] = date.ToString("r");
        }

        Requests.Enqueue((request.HttpMethod, path, ifNoneMatch, status, problem));
        response.StatusCode = status;
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        response.Close();
    }
}
