using System.Net;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The path routes through Kestrel with sign-in required: a snapshot a probe ships on the queue is listed, served as
/// JSON and as mtr text to a Reader; no token is a 401, no role a 403, bad ids 400 and unknown ones 404, all problem+json.
/// </summary>
public sealed class PathRoutesTests(SignedInDevHost host) : IClassFixture<SignedInDevHost>
{
    [Fact]
    public async Task A_shipped_snapshot_is_served_to_a_reader_as_json_and_as_mtr_text()
    {
        var probeId = "paths-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
        PathHop Hop(int ttl, string address, int received) => new()
        {
            Ttl = ttl,
            Address = address,
            Sent = 10,
            Received = received,
            LossPercent = PathHop.Loss(10, received),
            LastMs = 0.3,
            BestMs = 0.3,
            AverageMs = 0.4,
            WorstMs = 0.6,
            StdDevMs = 0.1,
        };
        var snapshot = new PathSnapshot
        {
            Target = "gateway",
            Destination = "10.200.3.1",
            StartedAt = start.AddSeconds(2),
            Cycles = 10,
            Reason = PathSnapshotReason.Trouble,
            ReachedDestination = true,
            Hops = [Hop(1, "10.200.1.1", 10), Hop(2, "10.200.2.1", 10), Hop(3, "10.200.3.1", 5)],
        };
        var batch = new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = 1,
            WindowStart = start,
            Targets = [new TargetSamples { Name = "gateway", Host = "10.200.3.1", IntervalMs = 1000, Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 1500))] }],
            Paths = [snapshot],
        };
        using var probes = new TestProbes(host.DevHost.Azurite.ConnectionString);
        await host.DevHost.Queue("ping-batches").SendMessageAsync(await probes.SignAsync(batch));
        var id = TargetIds.Format(probeId, "gateway");
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement list;
        while (true)
        {
            using var response = await SendAsync($"/api/targets/{id}/paths", reader);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the batch's target did not show up within 30 s");
            await Task.Delay(200);
        }

        var listed = Assert.Single(list.GetProperty("paths").EnumerateArray());
        var snapshotId = listed.GetProperty("id").GetString()!;
        Assert.Equal(3, listed.GetProperty("finding").GetProperty("ttl").GetInt32());

        using var one = await SendAsync($"/api/targets/{id}/paths/{snapshotId}", reader);
        Assert.Equal("application/json", one.Content.Headers.ContentType?.MediaType);
        using var text = await SendAsync($"/api/targets/{id}/paths/{snapshotId}?format=mtr", reader);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Contains("  3.|-- 10.200.3.1                50.0%    10    0.3   0.4   0.3   0.6   0.1\n", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal("snapshotId", (await ProblemAsync(await SendAsync($"/api/targets/{id}/paths/latest", reader), HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
        Assert.Equal("snapshotId", (await ProblemAsync(await SendAsync($"/api/targets/{id}/paths/20200101T000000.0000000Z", reader), HttpStatusCode.NotFound)).GetProperty("parameter").GetString());
        Assert.Equal("id", (await ProblemAsync(await SendAsync($"/api/incidents/{snapshotId}/paths", reader), HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Paths_need_a_token_with_a_netpulse_role()
    {
        var id = TargetIds.Format("lab-01", "gateway");
        foreach (var path in new[] { $"/api/targets/{id}/paths", $"/api/targets/{id}/paths/20200101T000000.0000000Z", "/api/incidents/20200101T000000-D-0123456789abcdef/paths" })
        {
            await ProblemAsync(await SendAsync(path, null), HttpStatusCode.Unauthorized);
            await ProblemAsync(await SendAsync(path, host.Issuer.Issue([])), HttpStatusCode.Forbidden);
            Assert.Equal("id", (await ProblemAsync(await SendAsync(path, host.Issuer.Issue([ApiRoles.Reader])), HttpStatusCode.NotFound)).GetProperty("parameter").GetString());
        }
    }

    /// <summary>The problem, with the response disposed: the checks pass a response straight from the send.</summary>
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            return await SignedInDevHost.ProblemAsync(response, status);
        }
    }

    private Task<HttpResponseMessage> SendAsync(string path, string? token) => host.SendAsync(HttpMethod.Get, path, token);
}
