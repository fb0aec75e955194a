using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetPulse.Probe.Cli;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.EndToEnd.Tests;

/// <summary>
/// Targets managed centrally, end to end and all real: the probe (raw socket) fetches its list from the dev host's
/// API, a target added through the Admin API is pinged and stored, and a disabled one stops, each within a refresh
/// and one interval, without a restart. The probe moves to central management the way a user moves it: import-targets.
/// </summary>
public sealed class ManagedTargetsEndToEndTests(ITestOutputHelper output)
{
    /// <summary>The probe fetches every 30 s here (60 s by default): the bound below is the same formula either way.</summary>
    private const int RefreshSeconds = 30;

    /// <summary>Interval of the probe's targets in the rig (1 s) plus scheduling slack on a busy machine.</summary>
    private static readonly TimeSpan RoundSlack = TimeSpan.FromSeconds(3);

    /// <summary>A change reaches the probe within one refresh; its first round follows within one interval.</summary>
    private static readonly TimeSpan PingedWithin = TimeSpan.FromSeconds(RefreshSeconds) + RoundSlack;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [RootFact]
    public async Task A_target_added_through_the_api_is_pinged_and_a_disabled_one_stops_without_a_restart()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync();
        string[] managed = [
            "--Probe:Backend:ApiUrl={api}",
            string.Create(CultureInfo.InvariantCulture, $"--Probe:Backend:RefreshSeconds={RefreshSeconds}"),
            "--Probe:Batching:CalmWindow=00:00:10",
        ];
        await using var rig = await PipelineRig.StartAsync("e2e-managed", [new ProbeTargetSpec("loopback", "127.0.0.1")], new Dictionary<string, string>(), output, probeSettings: managed);
        using var api = new HttpClient { BaseAddress = new Uri(rig.ApiBase.AbsoluteUri.TrimEnd('/') + "/") };

        await rig.RunAsync(TimeSpan.FromMinutes(4), async ct =>
        {
            // One step to central management: the probe's own targets file becomes its list in the backend.
            await ImportTargetsAsync(rig, ct);
            var listed = await ListAsync(api, rig.ProbeId, ct);
            Assert.True(listed.GetProperty("managed").GetBoolean());
            Assert.Equal(["loopback"], listed.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

            // An Admin adds the namespace host; the running probe pings it after its next fetch.
            var added = DateTimeOffset.UtcNow;
            rig.Note($"adding ns-host {network.TargetAddress}");
            using var create = await api.PostAsJsonAsync(
                $"probes/{rig.ProbeId}/targets", new { name = "ns-host", host = network.TargetAddress.ToString(), intervalMs = 1000 }, Json, ct);
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            var target = await create.Content.ReadFromJsonAsync<JsonElement>(Json, ct);

            var replies = await rig.WaitForRepliesAsync("ns-host", 3, added, PingedWithin + TimeSpan.FromSeconds(40), ct);
            var firstRound = replies.Min(s => s.Time);
            output.WriteLine($"added at {added:HH:mm:ss.fff}; first round of the new target at {firstRound:HH:mm:ss} ({(firstRound - added).TotalSeconds:0.0} s later; bound {PingedWithin.TotalSeconds:0} s)");
            Assert.True(firstRound - added <= PingedWithin, $"the first round of the added target came {(firstRound - added).TotalSeconds:0.0} s after it was added; expected within {PingedWithin.TotalSeconds:0} s");

            // The Admin disables it (PUT with If-Match); the probe stops pinging it after its next fetch.
            var body = new
            {
                name = "ns-host",
                host = network.TargetAddress.ToString(),
                intervalMs = 1000,
                enabled = false,
            };
            using var disable = new HttpRequestMessage(HttpMethod.Put, $"probes/{rig.ProbeId}/targets/{target.GetProperty("id").GetString()}")
            {
                Content = JsonContent.Create(body, options: Json),
            };
            disable.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(target.GetProperty("etag").GetString()!));
            var disabled = DateTimeOffset.UtcNow;
            using var put = await api.SendAsync(disable, ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            rig.Note("ns-host disabled");

            // Rounds already under way when the list changes may still be stored: wait past the bound and a batch window.
            await Task.Delay(PingedWithin + TimeSpan.FromSeconds(25), ct);
            var samples = await rig.SamplesAsync("ns-host", ct);
            var lastRound = samples.Max(s => s.Time);
            output.WriteLine($"disabled at {disabled:HH:mm:ss.fff}; last round of the target at {lastRound:HH:mm:ss} ({(lastRound - disabled).TotalSeconds:0.0} s later)");
            Assert.True(lastRound - disabled <= PingedWithin, $"the disabled target was still pinged {(lastRound - disabled).TotalSeconds:0.0} s after it was disabled");

            // The loopback target never stopped: the list changed twice without a restart.
            await rig.WaitForRepliesAsync("loopback", 3, DateTimeOffset.UtcNow.AddSeconds(-5), TimeSpan.FromSeconds(40), ct);

            // The fleet view knows the probe runs the managed list's current version.
            var version = (await ListAsync(api, rig.ProbeId, ct)).GetProperty("version").GetString();
            await rig.WaitForAsync($"GET /api/probes naming list version {version}", TimeSpan.FromSeconds(RefreshSeconds + 30), async c =>
            {
                var fleet = await api.GetFromJsonAsync<JsonElement>("probes", Json, c);
                var probe = fleet.GetProperty("probes").EnumerateArray().FirstOrDefault(p => p.GetProperty("id").GetString() == rig.ProbeId);
                return probe.ValueKind == JsonValueKind.Object && probe.TryGetProperty("targetListVersion", out var running) && running.GetString()?.Trim('"') == version?.Trim('"')
                    ? (object)probe
                    : null;
            }, ct);
        });
    }

    private static async Task<JsonElement> ListAsync(HttpClient api, string probeId, CancellationToken cancellationToken) =>
        await api.GetFromJsonAsync<JsonElement>($"probes/{probeId}/targets", Json, cancellationToken);

    private static async Task ImportTargetsAsync(PipelineRig rig, CancellationToken cancellationToken)
    {
        var targetsFile = rig.ProbeSettings.Single(s => s.StartsWith("--Probe:TargetsFile=", StringComparison.Ordinal)).Split('=', 2)[1];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ProbeCommandLine.Build(stdout, stderr)
            .Parse(["import-targets", targetsFile, "--api", rig.ApiBase.AbsoluteUri, .. rig.ProbeSettings])
            .InvokeAsync(cancellationToken: cancellationToken);
        rig.Note($"import-targets: exit {exit}: {stdout}{stderr}");
        Assert.Equal(0, exit);
    }
}
