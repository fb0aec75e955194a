using System.Globalization;
using System.Threading.Channels;
using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// The CLI's <c>ping &lt;host&gt;</c>: a few rounds to one host through the same engine the probe runs,
/// printed the way <c>ping</c> prints them.
/// </summary>
/// <param name="choice">Which engine to ping through; null for the probe's own (configured) choice.</param>
public sealed class OneShotPinger(PingEngineFactory engines, TargetResolver resolver, PingEngineChoice? choice = null)
{
    /// <summary>
    /// Pings <paramref name="host"/> <paramref name="count"/> times, one round per <paramref name="interval"/>
    /// (at least a second apart: the engines' rate cap), and writes a line per round and a summary.
    /// Cancelling stops early and still writes the summary.
    /// </summary>
    /// <returns>0 when any reply came back, else 1 (as <c>ping</c>).</returns>
    public async Task<int> RunAsync(
        string host,
        int count,
        TimeSpan interval,
        TimeSpan timeout,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(output);

        var resolution = await resolver.ResolveAsync(host, cancellationToken);
        if (resolution.Address is not { } address)
        {
            await output.WriteLineAsync($"ping: cannot resolve {host}: {resolution.Error}");
            return 1;
        }

        var engine = engines.Create(choice);
        await output.WriteLineAsync(
            string.Create(CultureInfo.InvariantCulture, $"PING {host} ({address}) through the {engine.Name} engine"));

        // The resolved literal, so the engine does not resolve the name a second time; the first echo goes out at once
        // rather than at the name's phase on the wall-clock grid, which a one-off ping has no use for.
        var target = new ProbeTarget
        {
            Index = 0,
            Settings = new TargetSettings { Name = host, Host = address.ToString(), IntervalMs = (int)Math.Round(interval.TotalMilliseconds) },
            Timeout = timeout,
            StartAtOnce = true,
        };
        var samples = Channel.CreateBounded<PingSample>(new BoundedChannelOptions(Math.Min(count, 64)) { SingleReader = true });
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = RunEngineAsync(engine, target, samples.Writer, stopping.Token);
        var summary = new RoundSummary();
        try
        {
            for (var sequence = 1; sequence <= count; sequence++)
            {
                var sample = await samples.Reader.ReadAsync(cancellationToken);
                summary.Add(sample);
                await output.WriteLineAsync(DescribeRound(address.ToString(), sequence, sample));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: summarise what was done, as ping does on Ctrl+C.
        }
        finally
        {
            await stopping.CancelAsync();
            await run;
        }

        await output.WriteLineAsync(summary.Describe());
        return summary.Received > 0 ? 0 : 1;
    }

    internal static string DescribeRound(string address, int sequence, PingSample sample) => sample.Status switch
    {
        PingStatus.Ok => string.Create(
            CultureInfo.InvariantCulture,
            $"reply from {address}: seq={sequence} time={sample.Rtt.GetValueOrDefault().TotalMilliseconds:0.000} ms"),
        PingStatus.Timeout => string.Create(CultureInfo.InvariantCulture, $"seq={sequence} timeout"),
        PingStatus.Unreachable => string.Create(CultureInfo.InvariantCulture, $"seq={sequence} destination unreachable"),
        PingStatus.TtlExpired => string.Create(CultureInfo.InvariantCulture, $"seq={sequence} time to live exceeded"),
        PingStatus.ResolveFailed => string.Create(CultureInfo.InvariantCulture, $"seq={sequence} name did not resolve"),
        _ => string.Create(CultureInfo.InvariantCulture, $"seq={sequence} send failed"),
    };

    /// <summary>Runs the engine until stopped; a failure ends the reader's wait instead of leaving it hanging.</summary>
    private static async Task RunEngineAsync(
        IPingEngine engine,
        ProbeTarget target,
        ChannelWriter<PingSample> samples,
        CancellationToken cancellationToken)
    {
        try
        {
            await engine.RunAsync([target], samples, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped after the last round.
        }
        catch (Exception e)
        {
            samples.TryComplete(e);
            throw;
        }
    }

    /// <summary>Counts and RTT extremes of the rounds printed so far.</summary>
    internal sealed class RoundSummary
    {
        private TimeSpan _min = TimeSpan.MaxValue;
        private TimeSpan _max;
        private TimeSpan _total;

        public int Sent { get; private set; }

        public int Received { get; private set; }

        public void Add(PingSample sample)
        {
            Sent++;
            if (sample.Status != PingStatus.Ok || sample.Rtt is not { } rtt)
            {
                return;
            }

            Received++;
            _total += rtt;
            _min = rtt < _min ? rtt : _min;
            _max = rtt > _max ? rtt : _max;
        }

        public string Describe()
        {
            var loss = Sent == 0 ? 0 : 100.0 * (Sent - Received) / Sent;
            var counts = string.Create(CultureInfo.InvariantCulture, $"{Sent} sent, {Received} received, {loss:0.#}% loss");
            if (Received == 0)
            {
                return counts;
            }

            var average = _total / Received;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{counts}, rtt min/avg/max = {_min.TotalMilliseconds:0.000}/{average.TotalMilliseconds:0.000}/{_max.TotalMilliseconds:0.000} ms");
        }
    }
}
