using System.Net.Sockets;
using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace NetPulse.Functions.Tests;

/// <summary>What the Functions app answers when an HTTP function throws: the dev host's problem documents, never an empty body.</summary>
public sealed class ApiFailureMiddlewareTests
{
    [Fact]
    public async Task A_handlers_exception_is_a_500_problem_that_names_the_route_but_not_the_exception()
    {
        var (status, contentType, body, _) = await AnswerAsync(new InvalidOperationException("secret detail of a bug"));

        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(500, json.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret detail", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_that_cannot_be_reached_is_a_503_with_retry_after()
    {
        var unreachable = new RequestFailedException(0, "transport failed", new SocketException((int)SocketError.ConnectionRefused));

        var (status, contentType, _, retryAfter) = await AnswerAsync(unreachable);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(retryAfter));
    }

    [Fact]
    public void A_request_its_caller_left_and_a_function_without_a_request_get_no_answer()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        var http = new DefaultHttpContext { RequestAborted = aborted.Token };

        Assert.Null(ApiFailureMiddleware.Answer(http, new OperationCanceledException()));
        Assert.Null(ApiFailureMiddleware.Answer(null, new InvalidOperationException()));
    }

    private static async Task<(int Status, string? ContentType, string Body, string? RetryAfter)> AnswerAsync(Exception exception)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "GET";
        http.Request.Path = "/api/targets";
        using var body = new MemoryStream();
        http.Response.Body = body;

        var answer = ApiFailureMiddleware.Answer(http, exception);
        Assert.NotNull(answer);
        await answer.ExecuteAsync(http);

        return (http.Response.StatusCode, http.Response.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray()), http.Response.Headers.RetryAfter.ToString());
    }
}
