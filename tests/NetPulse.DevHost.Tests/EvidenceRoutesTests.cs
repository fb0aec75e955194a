using System.Globalization;
using System.Net;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.SignIn;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The evidence routes through the dev host on Azurite: a batch of last week arrives on the queue, an admin rebuilds that
/// week's pack, and the list, the metadata and the downloads (with their names and types) answer; bad and unknown names are
/// problems naming the field.
/// </summary>
public sealed class EvidenceRoutesTests(EvidenceRoutesTests.Host host) : IClassFixture<EvidenceRoutesTests.Host>
{
    [Fact]
    public async Task A_rebuilt_week_is_listed_described_and_downloadable()
    {
        var (probeId, week) = await host.PackOfLastWeekAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/evidence?probe={probeId}&kind=week", UriKind.Relative)));
        var pack = Assert.Single(list.RootElement.GetProperty("packs").EnumerateArray());
        Assert.Equal(week, pack.GetProperty("period").GetString());
        Assert.Equal("week", pack.GetProperty("kind").GetString());
        Assert.Equal(1, pack.GetProperty("targetCount").GetInt32());
        Assert.Equal(5, pack.GetProperty("files").GetArrayLength());
        using var months = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/evidence?probe={probeId}&kind=month", UriKind.Relative)));
        Assert.Empty(months.RootElement.GetProperty("packs").EnumerateArray());

        using var detail = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/evidence/{probeId}/week/{week}", UriKind.Relative)));
        var target = Assert.Single(detail.RootElement.GetProperty("targets").EnumerateArray());
        Assert.Equal("gateway", target.GetProperty("name").GetString());
        Assert.Equal(10, target.GetProperty("sent").GetInt64());

        using var pdf = await http.GetAsync(new Uri($"/api/evidence/{probeId}/week/{week}/pack.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"netpulse-evidence-{probeId}-{week}.pdf", pdf.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);

        using var csv = await http.GetAsync(new Uri($"/api/evidence/{probeId}/week/{week}/targets.csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"netpulse-evidence-{probeId}-{week}-targets.csv", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains(",gateway,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/evidence?kind=year", 400, "kind")]
    [InlineData("/api/evidence?probe=no%20such", 400, "probe")]
    [InlineData("/api/evidence/lab-01/year/2026-W13", 400, "kind")]
    [InlineData("/api/evidence/lab-01/week/2026-03", 400, "period")]
    [InlineData("/api/evidence/lab-01/month/2026-13", 400, "period")]
    [InlineData("/api/evidence/lab-01/week/2026-W13/secrets.txt", 400, "file")]
    [InlineData("/api/evidence/lab-01/week/2026-W13", 404, "period")]
    [InlineData("/api/evidence/lab-01/week/2026-W13/pack.pdf", 404, "period")]
    public async Task A_bad_or_unknown_pack_is_a_problem_naming_the_field(string path, int status, string parameter)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(parameter, problem.RootElement.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task A_rebuild_of_a_week_not_ended_or_of_a_probe_never_seen_is_refused()
    {
        var (probeId, _) = await host.PackOfLastWeekAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var thisWeek = ISOWeek.GetYear(DateTime.UtcNow).ToString(CultureInfo.InvariantCulture) + "-W" + ISOWeek.GetWeekOfYear(DateTime.UtcNow).ToString("00", CultureInfo.InvariantCulture);

        using var running = await http.PostAsync(new Uri($"/api/evidence/{probeId}/week/{thisWeek}/rebuild", UriKind.Relative), null);
        using var unknown = await http.PostAsync(new Uri($"/api/evidence/nobody-{Guid.NewGuid():N}"[..40] + $"/week/{Host.LastWeek()}/rebuild", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, running.StatusCode);
        Assert.Contains("has not ended", await running.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>An open dev host (sign-in not configured) with a probe that sent one batch last week.</summary>
    public sealed class Host : DevHostFixture
    {
        private (string ProbeId, string Week)? _pack;

        public static string LastWeek()
        {
            // An hour before a week ago: in the first minutes of a Monday the week just ended is not built yet (the
            // reports' settle delay), so "last week" is the one before it then.
            var lastWeek = DateTime.UtcNow.AddDays(-7).AddHours(-1);
            return ISOWeek.GetYear(lastWeek).ToString(CultureInfo.InvariantCulture) + "-W" + ISOWeek.GetWeekOfYear(lastWeek).ToString("00", CultureInfo.InvariantCulture);
        }

        /// <summary>Sends a batch from the middle of last ISO week (UTC, the dev host's report zone), waits for it, and rebuilds that week's pack.</summary>
        public async Task<(string ProbeId, string Week)> PackOfLastWeekAsync()
        {
            if (_pack is { } done)
            {
                return done;
            }

            var probeId = "ev-" + Guid.NewGuid().ToString("N")[..8];
            var week = LastWeek();
            var monday = ISOWeek.ToDateTime(int.Parse(week[..4], CultureInfo.InvariantCulture), int.Parse(week[6..], CultureInfo.InvariantCulture), DayOfWeek.Monday);
            var start = new DateTimeOffset(monday.AddDays(2).AddHours(12), TimeSpan.Zero);
            var batch = new PingBatch
            {
                Version = PingBatch.CurrentVersion,
                ProbeId = probeId,
                Sequence = 1,
                WindowStart = start,
                Targets = [new TargetSamples { Name = "gateway", Host = "10.200.0.1", Category = "lan", IntervalMs = 1000, Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 1500 + i))] }],
            };
            using var probes = new TestProbes(Azurite.ConnectionString);
            await Queue(PingBatchQueue).SendMessageAsync(await probes.SignAsync(batch));
            using var http = new HttpClient { BaseAddress = BaseAddress };
            var id = TargetIds.Format(probeId, "gateway");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await http.GetAsync(new Uri($"/api/targets/{id}", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "the batch did not show up in /api/targets within 30 s");
                await Task.Delay(200);
            }

            using var rebuild = await http.PostAsync(new Uri($"/api/evidence/{probeId}/week/{week}/rebuild", UriKind.Relative), null);
            Assert.True(rebuild.StatusCode == HttpStatusCode.OK, await rebuild.Content.ReadAsStringAsync());
            _pack = (probeId, week);
            return (probeId, week);
        }
    }
}

/// <summary>With sign-in required: a Reader lists and reads packs but may not rebuild one.</summary>
public sealed class EvidenceSignInTests(SignedInDevHost host) : IClassFixture<SignedInDevHost>
{
    [Fact]
    public async Task A_reader_lists_packs_but_may_not_rebuild_one()
    {
        var reader = host.Issuer.Issue([ApiRoles.Reader]);

        using var listed = await host.SendAsync(HttpMethod.Get, "/api/evidence", reader);
        using var anonymous = await host.SendAsync(HttpMethod.Get, "/api/evidence", token: null);
        using var refused = await host.SendAsync(HttpMethod.Post, "/api/evidence/lab-01/week/2026-W13/rebuild", reader);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("urn:netpulse:problem:role-missing", problem.RootElement.GetProperty("type").GetString());
    }
}
