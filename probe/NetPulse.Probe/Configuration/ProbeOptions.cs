using NetPulse.Contracts;

namespace NetPulse.Probe.Configuration;

/// <summary>The probe's settings, bound from the "Probe" section (appsettings.json, environment, the targets file).</summary>
public sealed class ProbeOptions
{
    public const string Section = "Probe";

    /// <summary>
    /// Names this probe in every batch. 1-64 of A-Z a-z 0-9 . _ -. Unset, <c>run</c> generates one (machine name plus a
    /// random suffix) and keeps it in the spool folder's <c>probe-id</c> file (see <c>Hosting.ProbeIdFile</c>).
    /// </summary>
    public string? Id { get; set; }

    /// <summary>Seconds between a target's rounds unless the target says otherwise. At least 1.</summary>
    public double IntervalSeconds { get; set; } = 2;

    /// <summary>How long to wait for a reply, in milliseconds. Must be shorter than every target's interval.</summary>
    public int TimeoutMs { get; set; } = 1000;

    /// <summary>When batches close: rarely while every target is calm, at once when one changes (see <c>Batching.BatchCadence</c>).</summary>
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>How often DNS names are resolved again, in minutes.</summary>
    public double DnsRefreshMinutes { get; set; } = 5;

    /// <summary>An optional JSON file with a "Targets" array (or a "Probe" section), relative to the working directory.</summary>
    public string? TargetsFile { get; set; }

    public QueueOptions Queue { get; set; } = new();

    public SpoolOptions Spool { get; set; } = new();

    /// <summary>How the probe sends ICMP ("Probe:Icmp").</summary>
    public IcmpOptions Icmp { get; set; } = new();

    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>Where the probe stands ("office-berlin"), shown in the fleet view; optional, 1-64 characters.</summary>
    public string? Site { get; set; }

    /// <summary>The backend that manages this probe's targets centrally ("Probe:Backend"); unset, the probe runs its own file.</summary>
    public BackendOptions Backend { get; set; } = new();

    /// <summary>When the probe takes path snapshots on its own and ships them with the batches ("Probe:Paths").</summary>
    public PathsOptions Paths { get; set; } = new();
}

/// <summary>
/// Path snapshots taken on the probe's own initiative ("Probe:Paths"): one when trouble begins on a target, at most one
/// per target per <see cref="TroubleCooldown"/>, and a low-rate baseline every <see cref="BaselineInterval"/> for uplinks
/// and <see cref="BaselineTargets"/>. They need a raw ICMP socket; without one they are off (said once at start).
/// </summary>
public sealed class PathsOptions
{
    public static readonly TimeSpan MinTroubleCooldown = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxTroubleCooldown = TimeSpan.FromDays(1);
    public static readonly TimeSpan MinBaselineInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxBaselineInterval = TimeSpan.FromDays(7);

    public bool Enabled { get; set; } = true;

    /// <summary>Probes per hop in one snapshot (mtr's -c); 1 to <see cref="PathSnapshot.MaxCycles"/>.</summary>
    public int Cycles { get; set; } = 10;

    /// <summary>At most one trouble snapshot per target in this period; 1 min to 1 day.</summary>
    public TimeSpan TroubleCooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Time between two baseline snapshots of one target; 5 min to 7 days.</summary>
    public TimeSpan BaselineInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Names of targets that get a baseline besides the uplinks (which always do).</summary>
    public List<string> BaselineTargets { get; set; } = [];

    /// <summary>Most snapshots one batch carries; 1 to <see cref="PingBatchRules.MaxPathsPerBatch"/>.</summary>
    public int MaxPerBatch { get; set; } = PingBatchRules.MaxPathsPerBatch;
}

/// <summary>
/// Central management of the targets ("Probe:Backend"): with <see cref="ApiUrl"/> set the probe fetches its target
/// list from the API at start and every <see cref="RefreshSeconds"/>, runs it, and keeps the last good copy in the
/// spool folder. <c>netpulse-probe import-targets</c> sets it up in one step (the spool folder's <c>backend</c> file).
/// </summary>
public sealed class BackendOptions
{
    public const int MinRefreshSeconds = 5;
    public const int MaxRefreshSeconds = 3600;

    /// <summary>The API's base URL, ending in /api ("https://&lt;app&gt;.azurewebsites.net/api").</summary>
    public Uri? ApiUrl { get; set; }

    public const int MaxFullFetchMinutes = 1440;

    /// <summary>
    /// Seconds between two looks for a change of the target list; 5 to 3600. Where the backend hands out its list signal
    /// (a blob), a look is a conditional blob read, usually a 304; otherwise a conditional signed fetch of the list.
    /// </summary>
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>
    /// Minutes between two signed fetches of the list while the list signal reports no change, 1 to 1440, and at least
    /// RefreshSeconds: the safety net for a signal the backend could not write. Each costs one Function execution.
    /// </summary>
    public int FullFetchMinutes { get; set; } = 15;
}

/// <summary>Where batches go: a service URI when one is set (it wins over the shipped Azurite connection string), else a connection string.</summary>
public sealed class QueueOptions
{
    /// <summary>A storage connection string ("UseDevelopmentStorage=true" for Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The queue's URI, either with a SAS token (add permission is enough) or without one, in which
    /// case <c>DefaultAzureCredential</c> signs in (managed identity, environment, Azure CLI).
    /// </summary>
    public Uri? ServiceUri { get; set; }

    public string QueueName { get; set; } = "ping-batches";

    /// <summary>
    /// The queue calm batches go to, which nothing polls: the backend's one timer takes them at every minute
    /// (its CalmBatches job), so a calm batch costs no listener polls and no execution of its own. Empty: every batch
    /// goes to <see cref="QueueName"/>. The probe never creates it: a backend that reads it creates it, and while it is
    /// missing (an older backend) calm batches go to <see cref="QueueName"/>.
    /// </summary>
    public string CalmQueueName { get; set; } = "ping-batches-calm";

    /// <summary>
    /// The calm queue's URI with its own SAS (a SAS names one queue), for a probe whose <see cref="ServiceUri"/> carries a
    /// SAS; without it such a probe sends every batch to <see cref="QueueName"/>. With a connection string, or a service
    /// URI that signs in, the calm queue is found in the same account.
    /// </summary>
    public Uri? CalmServiceUri { get; set; }
}

/// <summary>
/// When the probe closes a batch ("Probe:Batching"). Calm: one batch per <see cref="CalmWindow"/>. A target that
/// changes state closes the open batch at once, and short <see cref="UrgentWindow"/>s follow until every target has
/// been calm for <see cref="CalmAfter"/>. A batch also closes early when its message would be too big.
/// </summary>
public sealed class BatchingOptions
{
    public static readonly TimeSpan MinCalmWindow = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxCalmWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinUrgentWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxCalmAfter = TimeSpan.FromHours(1);

    /// <summary>Time between batches while every target is calm (cost); 10 s to 5 min.</summary>
    public TimeSpan CalmWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between batches after a change, until calm again (freshness); 1 s up to the calm window.</summary>
    public TimeSpan UrgentWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long before a minute (on the backend's clock) a calm batch closes, when the calm window is a whole number of
    /// minutes: the backend's timer takes calm batches at every minute, so a calm batch is stored within seconds of its
    /// close. It covers the spool write, the send and the clocks' disagreement; 1 to 30 s.
    /// </summary>
    public TimeSpan CalmLead { get; set; } = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MinCalmLead = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxCalmLead = TimeSpan.FromSeconds(30);

    /// <summary>How long every target must have been calm before batches go back to the calm window; 0 to 1 h.</summary>
    public TimeSpan CalmAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The wire format: 2, compact binary (the default: 100 targets × 60 s fit one message), or 1, JSON, for a backend
    /// older than issue 15. Every backend since reads both, and spooled batches go in whatever version they were written.
    /// </summary>
    public int WireVersion { get; set; } = PingBatch.CurrentVersion;
}

/// <summary>How the probe sends ICMP ("Probe:Icmp").</summary>
public sealed class IcmpOptions
{
    public const string AutoEngine = "auto";
    public const string RawEngine = "raw";
    public const string DatagramEngine = "datagram";
    public const string PingClassEngine = "ping-class";

    public static readonly IReadOnlyList<string> Engines = [AutoEngine, RawEngine, DatagramEngine, PingClassEngine];

    /// <summary>
    /// The ICMP path: auto (a raw socket where the process may open one, else an unprivileged ICMP datagram socket
    /// where net.ipv4.ping_group_range allows it, else System.Net.NetworkInformation.Ping), or one of raw, datagram,
    /// ping-class to insist on it (the probe does not start where it cannot work).
    /// </summary>
    public string Engine { get; set; } = AutoEngine;
}

/// <summary>The local store-and-forward spool.</summary>
public sealed class SpoolOptions
{
    /// <summary>Folder for spooled batches, relative to the working directory unless absolute.</summary>
    public string Path { get; set; } = "spool";

    /// <summary>When the spool grows past this, the oldest batches are dropped (and counted in the log).</summary>
    public int MaxMegabytes { get; set; } = 256;
}

/// <summary>One target as configured.</summary>
public sealed class TargetOptions
{
    public string? Name { get; set; }

    /// <summary>An IPv4 or IPv6 address or a DNS name.</summary>
    public string? Host { get; set; }

    public string? Category { get; set; }

    public string? Description { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>This target is the probe's uplink (gateway or ISP hop).</summary>
    public bool Uplink { get; set; }

    /// <summary>Overrides the probe's interval for this target.</summary>
    public double? IntervalSeconds { get; set; }

    /// <summary>Overrides the probe's timeout for this target.</summary>
    public int? TimeoutMs { get; set; }

    /// <summary>Above this median RTT the target counts as slow (Functions default applies when unset).</summary>
    public int? LatencyThresholdMs { get; set; }

    /// <summary>Above this loss the target counts as lossy (Functions default applies when unset).</summary>
    public double? LossThresholdPercent { get; set; }

    /// <summary>
    /// This target's settings as the contract holds them, with <paramref name="defaultIntervalSeconds"/> where it
    /// sets no interval of its own. A missing name or host becomes empty, for validation to report.
    /// </summary>
    public TargetSettings ToSettings(double defaultIntervalSeconds) => new()
    {
        Name = Name ?? string.Empty,
        Host = Host ?? string.Empty,
        Category = Category,
        Description = Description,
        Uplink = Uplink,
        IntervalMs = Milliseconds(IntervalSeconds ?? defaultIntervalSeconds),
        LatencyThresholdMs = LatencyThresholdMs,
        LossThresholdPercent = LossThresholdPercent,
    };

    /// <summary>This target as a target list holds it (<see cref="TargetListRules"/> checks it), settings and all.</summary>
    public ManagedTarget ToManaged(double defaultIntervalSeconds) => new(ToSettings(defaultIntervalSeconds), Enabled, TimeoutMs);

    /// <summary>Seconds as whole milliseconds; a value that fits no int (NaN, huge) becomes one the contract refuses.</summary>
    private static int Milliseconds(double seconds)
    {
        var milliseconds = Math.Round(seconds * 1000);
        return double.IsNaN(milliseconds) ? -1 : (int)Math.Clamp(milliseconds, int.MinValue, int.MaxValue);
    }
}
