using System.Globalization;
using MimeKit;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.Http;
using NetPulse.Testing.Network;
using Xunit.Abstractions;

namespace NetPulse.EndToEnd.Tests;

/// <summary>
/// The probe, the dev host, Azurite and an SMTP sink, all real, against targets in network namespaces:
/// an outage, a slow target and a lossy one each give exactly one incident, opened and resolved, and one
/// alert and one recovery mail. A loopback target that stays fine shows that nothing else is raised.
/// </summary>
public sealed class IncidentEndToEndTests(ITestOutputHelper output)
{
    private const string Steady = "steady-loopback";

    /// <summary>Everything a scenario does, start to end; it takes about a third of this.</summary>
    private static readonly TimeSpan ScenarioLimit = TimeSpan.FromSeconds(90);

    /// <summary>From a ping to a readable sample: a 2 s batch window, a queue polled at least every 2 s, ingestion.</summary>
    private static readonly TimeSpan StoredWithin = TimeSpan.FromSeconds(20);

    /// <summary>From a change on the wire to the incident in the table and its mail: the rule's rounds plus the pipeline above.</summary>
    private static readonly TimeSpan DetectedWithin = TimeSpan.FromSeconds(30);

    /// <summary>How far a round's slot time (whole seconds, the probe's schedule) may lie before the change that caused it.</summary>
    private static readonly TimeSpan SlotSlack = TimeSpan.FromSeconds(1);

    /// <summary>How far after a change the first round that sees it may lie: one interval, plus scheduling on a busy machine.</summary>
    private static readonly TimeSpan RoundSlack = TimeSpan.FromSeconds(3);

    private static readonly ProbeTargetSpec SteadyTarget = new(Steady, "127.0.0.1");

    [RootFact]
    public async Task A_target_whose_link_goes_down_and_up_gives_one_down_incident_one_alert_and_one_recovery()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync();
        var gateway = new ProbeTargetSpec("ns-gateway", network.TargetAddress.ToString());

        // Every channel type at once, each to a receiver of its own on loopback, beside the mail: the time from the cut
        // to each one's first message is the figure the alerts issue asks for, printed below.
        var receivers = new Dictionary<string, HttpSink>(StringComparer.Ordinal);
        try
        {
            foreach (var type in new[] { "webhook", "teams", "slack", "ntfy" })
            {
                receivers[type] = await HttpSink.StartAsync();
            }

            var channels = new Dictionary<string, string>
            {
                ["NetPulse:Alerts:Channels:email:Type"] = "email",
                ["NetPulse:Alerts:Channels:webhook:Type"] = "webhook",
                ["NetPulse:Alerts:Channels:webhook:Url"] = receivers["webhook"].Url("/netpulse").ToString(),
                ["NetPulse:Alerts:Channels:webhook:Secret"] = "an-end-to-end-test-secret",
                ["NetPulse:Alerts:Channels:teams:Type"] = "teams",
                ["NetPulse:Alerts:Channels:teams:Url"] = receivers["teams"].Url("/workflows/netpulse").ToString(),
                ["NetPulse:Alerts:Channels:slack:Type"] = "slack",
                ["NetPulse:Alerts:Channels:slack:Url"] = receivers["slack"].Url("/services/netpulse").ToString(),
                ["NetPulse:Alerts:Channels:ntfy:Type"] = "ntfy",
                ["NetPulse:Alerts:Channels:ntfy:TopicUrl"] = receivers["ntfy"].Url("/netpulse-e2e").ToString(),
            };
            await DownAndUpAsync(network, gateway, channels, receivers);
        }
        finally
        {
            foreach (var receiver in receivers.Values)
            {
                await receiver.DisposeAsync();
            }
        }
    }

    private async Task DownAndUpAsync(
        NetworkNamespaceHost network, ProbeTargetSpec gateway, Dictionary<string, string> channels, IReadOnlyDictionary<string, HttpSink> receivers)
    {
        await using var rig = await PipelineRig.StartAsync("e2e-down", [gateway, SteadyTarget], channels, output);

        await rig.RunAsync(ScenarioLimit, async ct =>
        {
            await WaitForBaselineAsync(rig, gateway.Name, ct);

            var cutAt = DateTimeOffset.UtcNow;
            await network.TakeLinkDownAsync(ct);
            rig.Note($"link of {gateway.Name} down");

            // The link stays down until the alert is out: an outage that opens and resolves within one batch
            // gets only a recovery mail, by design, and this scenario is about the pair.
            var opened = await WaitForOpenAsync(rig, gateway.Name, IncidentType.Down, ct);
            var firstMessages = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            await rig.WaitForAsync(
                "the down alert on every channel",
                DetectedWithin,
                _ =>
                {
                    var sinceCut = DateTimeOffset.UtcNow - cutAt;
                    if (rig.Mails.Any(m => PipelineRig.HasSubject(m, $"[NetPulse] Down: {gateway.Name}")))
                    {
                        firstMessages.TryAdd("email", sinceCut);
                    }

                    foreach (var (type, receiver) in receivers.Where(r => r.Value.Requests.Any(q => q.BodyText.Contains(gateway.Name, StringComparison.Ordinal))))
                    {
                        firstMessages.TryAdd(type, sinceCut);
                    }

                    return Task.FromResult(firstMessages.Count == receivers.Count + 1 ? firstMessages : null);
                },
                ct);
            output.WriteLine("from the cut to the first message, per channel: " + string.Join(", ", firstMessages.OrderBy(m => m.Value).Select(m =>
                string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value.TotalSeconds:0.0} s"))));

            var restoredAt = DateTimeOffset.UtcNow;
            await network.BringLinkUpAsync(ct);
            rig.Note($"link of {gateway.Name} up");

            var resolved = await WaitForResolvedAsync(rig, opened, ct);
            await rig.WaitForMailAsync($"[NetPulse] Resolved: {gateway.Name}", DetectedWithin, ct);
            await WaitForMoreBatchesAsync(rig, gateway.Name, ct);

            var incident = Assert.Single(await rig.IncidentsAsync(ct));
            Assert.Equal(opened.Id, incident.Id);
            Assert.Equal(IncidentType.Down, incident.Type);
            Assert.Equal(gateway.Name, incident.TargetName);
            Assert.InRange(incident.Start, cutAt - SlotSlack, cutAt + RoundSlack);
            Assert.InRange(incident.End!.Value, restoredAt - SlotSlack, restoredAt + RoundSlack);
            Assert.Equal(resolved.End, incident.End);

            // The peak of a down incident counts its failed rounds: one a second while the link was cut, give or take
            // the round on either edge and the time the link took to go down and up.
            var secondsCut = (restoredAt - cutAt).TotalSeconds;
            Assert.NotNull(incident.PeakValue);
            Assert.InRange(incident.PeakValue.Value, Math.Max(3, secondsCut - 2), secondsCut + 2);
            AssertOneAlertAndOneRecovery(rig, incident, $"[NetPulse] Down: {gateway.Name}");
        });
    }

    [RootFact]
    public async Task A_target_answering_slower_than_its_threshold_gives_one_latency_incident_that_resolves_when_it_is_fast_again()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync();
        await using var responder = await IcmpResponder.StartAsync(network, EchoBehavior.After(TimeSpan.FromMilliseconds(1)));
        var server = new ProbeTargetSpec("ns-slow-server", network.TargetAddress.ToString()) { LatencyThresholdMs = 50 };

        // A median over 5 rounds that must stay high (or low) for 3 s: seconds, not the minutes of the defaults.
        var detection = new Dictionary<string, string>
        {
            ["NetPulse:Detection:LatencyWindowRounds"] = "5",
            ["NetPulse:Detection:LatencyMinReplies"] = "3",
            ["NetPulse:Detection:LatencyOpenAfter"] = "00:00:03",
            ["NetPulse:Detection:LatencyResolveAfter"] = "00:00:03",
        };
        await using var rig = await PipelineRig.StartAsync("e2e-latency", [server, SteadyTarget], detection, output);

        await rig.RunAsync(ScenarioLimit, async ct =>
        {
            await WaitForBaselineAsync(rig, server.Name, ct);

            var slowAt = DateTimeOffset.UtcNow;
            responder.Configure(network.TargetAddress, EchoBehavior.After(TimeSpan.FromMilliseconds(120)));
            rig.Note($"{server.Name} answers after 120 ms");

            var opened = await WaitForOpenAsync(rig, server.Name, IncidentType.Latency, ct);
            await rig.WaitForMailAsync($"[NetPulse] High latency: {server.Name}", DetectedWithin, ct);

            responder.Configure(network.TargetAddress, EchoBehavior.After(TimeSpan.FromMilliseconds(1)));
            rig.Note($"{server.Name} answers after 1 ms");

            await WaitForResolvedAsync(rig, opened, ct);
            await rig.WaitForMailAsync($"[NetPulse] Resolved: {server.Name}", DetectedWithin, ct);
            await WaitForMoreBatchesAsync(rig, server.Name, ct);

            var incident = Assert.Single(await rig.IncidentsAsync(ct));
            Assert.Equal(opened.Id, incident.Id);
            Assert.Equal(IncidentType.Latency, incident.Type);
            Assert.Equal(server.Name, incident.TargetName);
            // The median of five rounds goes over with the third slow one.
            Assert.InRange(incident.Start, slowAt - SlotSlack, slowAt + TimeSpan.FromSeconds(2) + RoundSlack);
            Assert.Equal(50, incident.Threshold);

            // The median RTT the probe measured on the wire: the responder's 120 ms and the way there and back.
            Assert.NotNull(incident.PeakValue);
            Assert.InRange(incident.PeakValue.Value, 115, 200);
            AssertOneAlertAndOneRecovery(rig, incident, $"[NetPulse] High latency: {server.Name}");
        });
    }

    [RootFact]
    public async Task A_target_losing_a_share_of_its_replies_gives_one_loss_incident_and_no_down_incident()
    {
        await using var network = await NetworkNamespaceHost.CreateAsync();
        await using var responder = await IcmpResponder.StartAsync(network, EchoBehavior.After(TimeSpan.FromMilliseconds(1)));
        var link = new ProbeTargetSpec("ns-lossy-link", network.TargetAddress.ToString()) { LossThresholdPercent = 10 };

        // Loss over the latest 10 rounds, resolved after 3 s at or under the threshold.
        var detection = new Dictionary<string, string>
        {
            ["NetPulse:Detection:LossWindowRounds"] = "10",
            ["NetPulse:Detection:LossMinRounds"] = "10",
            ["NetPulse:Detection:LossResolveAfter"] = "00:00:03",
        };
        await using var rig = await PipelineRig.StartAsync("e2e-loss", [link, SteadyTarget], detection, output);

        await rig.RunAsync(ScenarioLimit, async ct =>
        {
            await WaitForBaselineAsync(rig, link.Name, ct);

            // The responder spreads its losses evenly: never two in a row, so this is loss and never an outage.
            var lossyAt = DateTimeOffset.UtcNow;
            responder.Configure(network.TargetAddress, EchoBehavior.After(TimeSpan.FromMilliseconds(1), lossShare: 0.3));
            rig.Note($"{link.Name} drops 30% of the pings");

            var opened = await WaitForOpenAsync(rig, link.Name, IncidentType.Loss, ct);
            await rig.WaitForMailAsync($"[NetPulse] Packet loss: {link.Name}", DetectedWithin, ct);

            responder.Configure(network.TargetAddress, EchoBehavior.After(TimeSpan.FromMilliseconds(1)));
            rig.Note($"{link.Name} answers every ping");

            await WaitForResolvedAsync(rig, opened, ct);
            await rig.WaitForMailAsync($"[NetPulse] Resolved: {link.Name}", DetectedWithin, ct);
            await WaitForMoreBatchesAsync(rig, link.Name, ct);

            var incident = Assert.Single(await rig.IncidentsAsync(ct));
            Assert.Equal(opened.Id, incident.Id);
            Assert.Equal(IncidentType.Loss, incident.Type);
            Assert.Equal(link.Name, incident.TargetName);
            Assert.True(incident.Start >= lossyAt - SlotSlack, $"the loss incident started at {incident.Start:O}, before the losses began at {lossyAt:O}");
            Assert.Equal(10, incident.Threshold);

            // Two losses among ten rounds is the least that crosses 10%; the responder never loses more than a third.
            Assert.NotNull(incident.PeakValue);
            Assert.InRange(incident.PeakValue.Value, 20, 34);
            AssertOneAlertAndOneRecovery(rig, incident, $"[NetPulse] Packet loss: {link.Name}");
        });
    }

    /// <summary>Both targets answer and their samples are readable, and nothing is wrong yet.</summary>
    private static async Task WaitForBaselineAsync(PipelineRig rig, string targetName, CancellationToken cancellationToken)
    {
        await rig.WaitForRepliesAsync(targetName, 3, rig.StartedAt, StoredWithin, cancellationToken);
        await rig.WaitForRepliesAsync(Steady, 3, rig.StartedAt, StoredWithin, cancellationToken);
        Assert.Empty(await rig.IncidentsAsync(cancellationToken));
    }

    private static Task<Incident> WaitForOpenAsync(PipelineRig rig, string targetName, IncidentType type, CancellationToken cancellationToken) =>
        rig.WaitForAsync(
            $"a {type} incident of {targetName} open in the tables",
            DetectedWithin,
            async ct => (await rig.IncidentsAsync(ct)).FirstOrDefault(i => i.TargetName == targetName && i.Type == type && i.IsOpen),
            cancellationToken);

    private static Task<Incident> WaitForResolvedAsync(PipelineRig rig, Incident opened, CancellationToken cancellationToken) =>
        rig.WaitForAsync(
            $"incident {opened.Id} ({opened.Type} of {opened.TargetName}) resolved in the tables",
            DetectedWithin,
            async ct => (await rig.IncidentsAsync(ct)).FirstOrDefault(i => i.Id == opened.Id && !i.IsOpen),
            cancellationToken);

    /// <summary>Lets a few more batches through the whole pipeline, so a second incident or a repeated mail would show.</summary>
    private static Task WaitForMoreBatchesAsync(PipelineRig rig, string targetName, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        rig.Note("letting a few more batches through");
        return rig.WaitForRepliesAsync(targetName, 3, now, StoredWithin, cancellationToken);
    }

    private static void AssertOneAlertAndOneRecovery(PipelineRig rig, Incident incident, string alertSubjectStart)
    {
        var mails = rig.Mails;
        Assert.Equal(2, mails.Count);
        var alert = Assert.Single(mails, m => PipelineRig.HasSubject(m, alertSubjectStart));
        var recovery = Assert.Single(mails, m => PipelineRig.HasSubject(m, $"[NetPulse] Resolved: {incident.TargetName}"));
        foreach (var mail in new[] { alert, recovery })
        {
            // Both mails are about this incident of this target and tell the loopback target apart from it.
            Assert.Contains(incident.Id, Text(mail), StringComparison.Ordinal);
            Assert.Contains(incident.TargetName, Text(mail), StringComparison.Ordinal);
            Assert.Contains(incident.TargetName, mail.HtmlBody ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(Steady, mail.Subject + Text(mail), StringComparison.Ordinal);
            Assert.Equal(["ops@example.org", "oncall@example.org"], mail.To.Mailboxes.Select(m => m.Address));
        }
    }

    private static string Text(MimeMessage mail) => mail.TextBody ?? string.Empty;
}
