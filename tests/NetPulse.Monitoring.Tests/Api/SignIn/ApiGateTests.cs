using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing.Logging;

namespace NetPulse.Monitoring.Tests.Api.SignIn;

/// <summary>The gate's answers that need no valid token: a header of another scheme, and an issuer that cannot be reached.</summary>
public sealed class ApiGateTests : IDisposable
{
    private readonly TestLog _log = new();

    // Port 9 (discard) on loopback: nothing listens, so the metadata cannot be fetched.
    private readonly ApiGate _gate;

    public ApiGateTests() => _gate = new ApiGate(Options.Create(new SignInOptions
    {
        TenantId = "4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11",
        ApiClientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        Authority = "http://127.0.0.1:9/4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11/v2.0",
    }), TimeProvider.System, _log.For<ApiGate>());

    [Fact]
    public async Task A_header_of_another_scheme_is_a_401_asking_for_a_bearer_token()
    {
        var context = Request("Basic dXNlcjpwYXNz");

        var refusal = await _gate.AdmitAsync(context.Request, ApiAccess.Reader, CancellationToken.None);

        await refusal!.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("Bearer realm=\"NetPulse\", error=\"invalid_token\", error_description=\"the Authorization header must be 'Bearer <access token>'\"",
            context.Response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task An_unreachable_issuer_is_a_503_with_retry_after_and_an_error_in_the_log()
    {
        var context = Request("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");

        var refusal = await _gate.AdmitAsync(context.Request, ApiAccess.Admin, CancellationToken.None);

        await refusal!.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("http://127.0.0.1:9/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_issuer_logs_one_line_per_request_with_its_cause_and_the_stack_trace_only_at_debug()
    {
        foreach (var _ in Enumerable.Range(0, 3))
        {
            var context = Request("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
            await _gate.AdmitAsync(context.Request, ApiAccess.Reader, CancellationToken.None);
        }

        var lines = _log.AtLeast(LogLevel.Information).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.Null(line.Exception);
            Assert.DoesNotContain("\n   at ", line.Message, StringComparison.Ordinal);
            Assert.Contains("cannot be fetched from http://127.0.0.1:9/", line.Message, StringComparison.Ordinal);

            // The cause beside the reason, since no stack trace carries it: the refused connection, not just "failed".
            Assert.Matches(@"\(.+\)$", line.Message);
        });
        Assert.All(_log.Entries.Where(e => e.Exception is not null), e => Assert.Equal(LogLevel.Debug, e.Level));
    }

    [Fact]
    public async Task Anonymous_routes_pass_without_asking_the_issuer()
    {
        Assert.Null(await _gate.AdmitAsync(Request(null).Request, ApiAccess.Anonymous, CancellationToken.None));
    }

    public void Dispose() => _log.Dispose();

    private static DefaultHttpContext Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/api/targets";
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}
