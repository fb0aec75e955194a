using System.Globalization;
using NetPulse.Probe.Configuration;
using NetPulse.Testing;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.EndToEnd.Tests;

/// <summary>
/// Issue 15's alert goal at DEFAULT settings: the probe as shipped (2 s interval, 1 s timeout, 60 s calm and 10 s
/// urgent windows) and the dev host with the Functions app's host.json (maxPollingInterval) and default detection.
/// The cut comes once the probe is calm, so its batches are a minute apart and the queue listener has backed off
/// to its longest poll: the slowest moment for an alert.
/// </summary>
public sealed class DefaultsAlertEndToEndTests(ITestOutputHelper output)
{
    /// <summary>The goal: a cut target's down alert within this of the cut.</summary>
    private static readonly TimeSpan AlertWithin = TimeSpan.FromSeconds(20);

    /// <summary>Start, calm down (the probe's CalmAfter after its start), a calm batch, the cut and the alert.</summary>
    private static readonly TimeSpan ScenarioLimit = TimeSpan.FromMinutes(5);

    [RootFact]
    public async Task A_target_cut_while_all_is_calm_gets_its_down_alert_within_20_seconds_at_default_settings()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync();
        var gateway = new ProbeTargetSpec("ns-gateway", network.TargetAddress.ToString());
        await using var rig = await PipelineRig.StartAsync("e2e-defaults", [gateway], new Dictionary<string, string>(), output, probeDefaults: true);

        await rig.RunAsync(ScenarioLimit, async ct =>
        {
            await rig.WaitForRepliesAsync(gateway.Name, 1, rig.StartedAt, TimeSpan.FromSeconds(60), ct);

            // A start counts as a change: urgent windows until CalmAfter has passed, then one calm window (60 s)
            // under way, so the listener has stretched its polls to maxPollingInterval.
            var calmFrom = rig.StartedAt + new BatchingOptions().CalmAfter;
            var cutFrom = calmFrom + TimeSpan.FromSeconds(30);
            rig.Note($"waiting until {cutFrom:HH:mm:ss} (the probe is calm from {calmFrom:HH:mm:ss})");
            await Task.Delay(cutFrom - DateTimeOffset.UtcNow, ct);

            var cutAt = DateTimeOffset.UtcNow;
            await network.TakeLinkDownAsync(ct);
            rig.Note($"link of {gateway.Name} down");

            var mail = await rig.WaitForMailAsync($"[NetPulse] Down: {gateway.Name}", AlertWithin + TimeSpan.FromSeconds(40), ct);
            var took = DateTimeOffset.UtcNow - cutAt;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"from the cut to the down alert in the SMTP sink: {took.TotalSeconds:0.0} s (goal {AlertWithin.TotalSeconds:0} s): '{mail.Subject}'"));
            Assert.True(took <= AlertWithin, string.Create(CultureInfo.InvariantCulture,
                $"the down alert arrived {took.TotalSeconds:0.0} s after the cut; the goal is {AlertWithin.TotalSeconds:0} s"));

            await network.BringLinkUpAsync(ct);
        });
    }
}
