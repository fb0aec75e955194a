using System.Reflection;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Batching;

/// <summary>
/// What the probe says about itself in every batch it closes (<see cref="ProbeStatus"/>): its version and site, the ICMP
/// path it pings with, its spool's backlog, its clock against the backend's, and the managed target list it runs.
/// </summary>
public sealed class ProbeStatusReporter
{
    private static readonly string? SoftwareVersion = Shorten(
        typeof(ProbeStatusReporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly string? _site;
    private readonly string _engine;
    private readonly BatchSpool _spool;
    private readonly LiveTargets _targets;
    private readonly Lock _gate = new();
    private int? _clockOffsetMs;

    public ProbeStatusReporter(IOptions<ProbeOptions> options, IPingEngine engine, BatchSpool spool, LiveTargets targets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        _site = string.IsNullOrWhiteSpace(options.Value.Site) ? null : options.Value.Site.Trim();
        _engine = engine.Name;
        _spool = spool ?? throw new ArgumentNullException(nameof(spool));
        _targets = targets ?? throw new ArgumentNullException(nameof(targets));
    }

    /// <summary>The probe's clock minus the backend's as last measured, or null before the first answer.</summary>
    public int? ClockOffsetMs
    {
        get
        {
            lock (_gate)
            {
                return _clockOffsetMs;
            }
        }
    }

    /// <summary>
    /// Records the probe's clock against the backend's: <paramref name="probeNow"/> (when the answer came) minus the
    /// answer's <c>Date</c> header. The header has whole seconds, so this is good to about a second.
    /// </summary>
    public void RecordBackendDate(DateTimeOffset probeNow, DateTimeOffset backendDate)
    {
        var ms = Math.Clamp((probeNow - backendDate).TotalMilliseconds, -ProbeStatus.MaxClockOffsetMs, ProbeStatus.MaxClockOffsetMs);
        lock (_gate)
        {
            _clockOffsetMs = (int)Math.Round(ms);
        }
    }

    /// <summary>The status for a batch closing now: the spool's backlog before it is added.</summary>
    public ProbeStatus Current()
    {
        var (depth, oldest) = _spool.Backlog;
        return new ProbeStatus
        {
            SoftwareVersion = SoftwareVersion,
            Site = _site,
            IcmpEngine = _engine,
            SpoolDepth = depth,
            OldestUnsentAt = oldest,
            ClockOffsetMs = ClockOffsetMs,
            TargetListVersion = Shorten(_targets.Source.Version),
        };
    }

    private static string? Shorten(string? text) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= ProbeStatus.MaxTextLength ? text : text[..ProbeStatus.MaxTextLength];
}
