using Azure.Data.Tables;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// The monitoring tables, named with <see cref="StorageOptions.TablePrefix"/>, created on first use by
/// each process (one request each, once; see <see cref="CreateOnce"/>).
/// </summary>
public sealed class MonitoringTables
{
    private readonly CreateOnce _createTables;

    public MonitoringTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        Batches = service.GetTableClient(prefix + "batches");
        Samples = service.GetTableClient(prefix + "samples");
        Rollups = service.GetTableClient(prefix + "rollups");
        Targets = service.GetTableClient(prefix + "targets");
        Incidents = service.GetTableClient(prefix + "incidents");
        Probes = service.GetTableClient(prefix + "probes");
        ManagedTargets = service.GetTableClient(prefix + "managedtargets");
        Paths = service.GetTableClient(prefix + "paths");
        _createTables = new CreateOnce(async ct =>
        {
            foreach (var table in All)
            {
                await table.CreateIfNotExistsAsync(ct);
            }
        });
    }

    /// <summary>One entity per probe batch (PK probe|UTC day of its last sample, RK inverted last-sample ticks-sequence).</summary>
    public TableClient Batches { get; }

    /// <summary>One entity per target and UTC hour with 3,600 one-second slots (PK probe|day, RK target-key|hour).</summary>
    public TableClient Samples { get; }

    /// <summary>One entity per target and UTC hour with hour and minute statistics (PK probe|month, RK target-key|yyyyMMddHH).</summary>
    public TableClient Rollups { get; }

    /// <summary>Per probe: its row, its targets' catalogue and incident state, and compaction markers (PK probe).</summary>
    public TableClient Targets { get; }

    /// <summary>Incidents by UTC month of their start, newest first (PK yyyyMM, RK inverted start|id).</summary>
    public TableClient Incidents { get; }

    /// <summary>The registered probes and their public keys (PK "probe", RK probe id); see <see cref="ProbeRegistry"/>.</summary>
    public TableClient Probes { get; }

    /// <summary>The targets each centrally managed probe runs (PK probe id): its list row and one row per target; see <see cref="ManagedTargetStore"/>.</summary>
    public TableClient ManagedTargets { get; }

    /// <summary>Path snapshots and route changes per target (PK probe|target-key, RK kind|inverted time); see <see cref="PathStore"/>.</summary>
    public TableClient Paths { get; }

    public IEnumerable<TableClient> All => [Batches, Samples, Rollups, Targets, Incidents, Probes, ManagedTargets, Paths];

    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _createTables.EnsureAsync(cancellationToken);
}
