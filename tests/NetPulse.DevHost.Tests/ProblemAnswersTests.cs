using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// Every error the dev host answers under /api is RFC 7807 problem+json, including those no handler writes: the paths
/// below were found by fuzzing the dev host, and each once answered with an empty body.
/// </summary>
public sealed class ProblemAnswersTests(ProblemAnswersTests.Host host) : IClassFixture<ProblemAnswersTests.Host>
{
    public sealed class Host() : DevHostFixture(null, null);

    [Theory]
    [InlineData("/api/targets//series", HttpStatusCode.NotFound, "/api/targets//series")]
    [InlineData("/api/targets/%2e%2e/series", HttpStatusCode.NotFound, "")]
    [InlineData("/api/nonexistent", HttpStatusCode.NotFound, "/api/nonexistent")]
    public async Task A_fuzzed_path_is_answered_with_a_problem(string path, HttpStatusCode status, string detailNames)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:netpulse:problem:", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        Assert.Contains(detailNames, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Kestrel refuses a request target with a percent-encoded NUL while parsing the request line, before any
    /// middleware runs (dotnet/aspnetcore#4726), so no body can be given to that 400 in-process; it stays a 400.
    /// </summary>
    [Theory]
    [InlineData("/api/reports/%E2%80%AE%00")]
    [InlineData("/api/targets/%E2%80%AE%00/series")]
    public async Task A_path_with_an_encoded_nul_is_refused_by_the_server_with_400(string path)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_path_with_a_right_to_left_override_reaches_the_handler_and_is_a_problem_naming_the_parameter()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri("/api/reports/%E2%80%AE", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("date", problem.RootElement.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task A_method_the_route_does_not_take_is_a_problem()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.DeleteAsync(new Uri("/api/targets", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>While storage refuses connections the API says so, with 503 and Retry-After, rather than a bare 500.</summary>
public sealed class UnreachableStorageTests(UnreachableStorageTests.Host host) : IClassFixture<UnreachableStorageTests.Host>
{
    [Theory]
    [InlineData("/api/targets")]
    [InlineData("/api/incidents")]
    [InlineData("/api/reports")]
    public async Task A_read_while_storage_refuses_connections_is_a_503_problem_with_retry_after(string path)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var watch = Stopwatch.StartNew();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        watch.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:netpulse:problem:storage-unavailable", problem.RootElement.GetProperty("type").GetString());
        Assert.True(watch.Elapsed < Host.AnswerLimit, $"{path} answered after {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// A dev host whose tables are on a loopback port nothing listens on. Its queues stay on Azurite: the WebJobs
    /// queue listener treats an unreachable queue as fatal to the process.
    /// </summary>
    public sealed class Host : DevHostFixture
    {
        /// <summary>
        /// The storage clients retry a refused connection 3 times (0.2 s doubling, 1.4 s) and /api/targets makes two
        /// calls (table creation, the read): about 3 s, with room for a loaded 2-core machine.
        /// </summary>
        public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(8);

        protected override void AdjustSettings(IDictionary<string, string> settings)
        {
            // A port just released by the system: nothing listens on it, so connections are refused at once.
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            settings["AzureWebJobsStorage"] = Azurite.ConnectionString.Replace(
                $"127.0.0.1:{Azurite.TablePort}/", $"127.0.0.1:{port}/", StringComparison.Ordinal);
        }
    }
}
