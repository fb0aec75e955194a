using Azure;
using Azure.Data.Tables;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>Base of the entity types: keys and the service's bookkeeping.</summary>
internal abstract class MonitoringEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}

/// <summary>A probe batch in the batches table: one entity, one write request, whatever its target count.</summary>
internal sealed class BatchEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public long Sequence { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset FirstSampleAt { get; set; }

    public DateTimeOffset LastSampleAt { get; set; }

    public int TargetCount { get; set; }

    public int SampleCount { get; set; }

    /// <summary>
    /// When ingestion last stored the batch, by its clock; default in rows older than this column. Not nullable: the
    /// typed entity serializer leaves a nullable DateTimeOffset out of the write.
    /// </summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The packed targets and samples (see <c>StoredBatch.PackTargets</c>).</summary>
    public byte[] Targets { get; set; } = [];

    /// <summary>
    /// The probe's status as it sent it with this batch (JSON, <see cref="ProbeStatusJson"/>); null from probes that
    /// send none. A column of the write the batch costs anyway: the fleet view's exact, current figures for free.
    /// </summary>
    public string? Status { get; set; }
}

/// <summary>One target's UTC hour of rounds in the samples table.</summary>
internal sealed class HourSamplesEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string TargetName { get; set; } = "";

    public DateTimeOffset Hour { get; set; }

    /// <summary>Every batch with rounds before this time had been stored when the hour was compacted.</summary>
    public DateTimeOffset CoveredUntil { get; set; }

    public int SampleCount { get; set; }

    /// <summary>3,600 little-endian 32-bit slots (see <c>HourSlots</c>).</summary>
    public byte[] Slots { get; set; } = [];
}

/// <summary>
/// One target's UTC hour of statistics in the rollups table, with its 60 minutes packed. The figures are flat
/// columns (Table storage has no nested values, and readers select the columns they need); they are mapped to
/// and from the one statistics record in one place, <c>Rollups.HourRollupStatistics</c>, above this layer.
/// </summary>
internal sealed class HourRollupEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string TargetName { get; set; } = "";

    public DateTimeOffset Hour { get; set; }

    public DateTimeOffset CoveredUntil { get; set; }

    public int Count { get; set; }

    public int Successes { get; set; }

    /// <summary>Derived from the counts; stored for whoever reads the table itself.</summary>
    public double LossPercent { get; set; }

    public double? MinMs { get; set; }

    public double? AvgMs { get; set; }

    public double? MaxMs { get; set; }

    public double? P50Ms { get; set; }

    public double? P95Ms { get; set; }

    public double? P99Ms { get; set; }

    public double? JitterMs { get; set; }

    /// <summary>60 minute rollups (see <c>MinuteRollups</c>).</summary>
    public byte[] Minutes { get; set; } = [];
}

/// <summary>A probe's own row in the targets table.</summary>
internal sealed class ProbeEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    /// <summary>Compaction has folded every batch with rounds before this time into hour entities.</summary>
    public DateTimeOffset? CompactedThrough { get; set; }

    /// <summary>The watchdog's latest probe-silent incident (JSON), open or not.</summary>
    public string? SilentIncident { get; set; }

    /// <summary>Finished incidents wait for one summary alert.</summary>
    public bool? SummaryPending { get; set; }

    /// <summary>The earliest start among them: where the search for them begins.</summary>
    public DateTimeOffset? SummaryPendingFrom { get; set; }

    /// <summary>When the first of them began to wait (clock time).</summary>
    public DateTimeOffset? SummaryPendingSince { get; set; }

    /// <summary>
    /// The probe's last known status (JSON, <see cref="ProbeStatusJson"/>), written only when it changed meaningfully
    /// (<see cref="ProbeStatusJson.ChangedMeaningfully"/>) or with a commit made anyway: what is known when the newest
    /// batch carries none.
    /// </summary>
    public string? Status { get; set; }

    /// <summary>Retired: kept in history, gone from the overview, never called silent. False (not null) clears it, as a merge leaves nulls out.</summary>
    public bool? Retired { get; set; }

    /// <summary>When it was retired: a batch with rounds after this brings it back.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>A target in a probe's catalogue, with its latest incident of each type.</summary>
internal sealed class TargetEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>
    /// The target's <see cref="TargetSettings"/> as JSON (<see cref="TargetSettings.ToJson"/>): one column, so a new
    /// setting needs no change here, and equal settings are equal text.
    /// </summary>
    public string Settings { get; set; } = "";

    /// <summary>The earliest round stored for the target.</summary>
    public DateTimeOffset FirstSampleAt { get; set; }

    /// <summary>The latest incident of each type (JSON array), open or not: detection's state, the dashboard's status.</summary>
    public string? Incidents { get; set; }

    /// <summary>When the target was retired (gone from the overview, kept in history); null when it is not. A batch with rounds of it after this brings it back.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public TargetSettings ToSettings() => TargetSettings.FromJson(Settings);

    /// <summary>A copy of the row; the ETag stays with the row it was read as.</summary>
    public TargetEntity Copy() => (TargetEntity)MemberwiseClone();
}

/// <summary>"This hour got batches after it was compacted": compaction builds it again and deletes the marker.</summary>
internal sealed class DirtyHourEntity : MonitoringEntity
{
    public DateTimeOffset Hour { get; set; }
}

/// <summary>
/// One incident of a committed change, in the probe's partition of the targets table until the incidents table and
/// the alerts queue have it: while such rows exist no other change of the probe commits, and if the instance that
/// committed them stops, another publishes them.
/// </summary>
internal sealed class PublicationEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    /// <summary>The incident as committed (JSON; the incidents layer reads it).</summary>
    public string Incident { get; set; } = "";

    /// <summary>True to delete the incident's row, false to write it.</summary>
    public bool Delete { get; set; }

    /// <summary>The alert to raise for it (the incidents layer's AlertKind), if any.</summary>
    public string? Alert { get; set; }

    /// <summary>The position of its alert among those of the change.</summary>
    public int Order { get; set; }

    /// <summary>When it was committed, or last claimed by an instance publishing for one that stopped.</summary>
    public DateTimeOffset CommittedAt { get; set; }
}

/// <summary>The distinct target names of a probe's batches on one UTC day (of their window start), as 64-bit hashes.</summary>
internal sealed class TargetNamesEntity : MonitoringEntity
{
    public string ProbeId { get; set; } = "";

    public int Count { get; set; }

    /// <summary><see cref="Count"/> little-endian 64-bit hashes of the names (see <c>TargetNamesPerDay</c>).</summary>
    public byte[] Hashes { get; set; } = [];
}

/// <summary>An incident in the incidents table.</summary>
internal sealed class IncidentEntity : MonitoringEntity
{
    public string Id { get; set; } = "";

    public string ProbeId { get; set; } = "";

    public string TargetName { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset? End { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public double? PeakValue { get; set; }

    public double? Threshold { get; set; }

    public string? GroupedUnderIncidentId { get; set; }

    public string Announcement { get; set; } = "";

    /// <summary>The maintenance window the incident began in, or "marked"; null for unplanned.</summary>
    public string? MaintenanceWindowId { get; set; }
}
