using System.Text;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// A probe batch as the batches table keeps it: what detection and compaction need (names, uplink flag,
/// interval, thresholds, samples), packed into one binary property. Host, category and description live in
/// the target catalogue instead: they would double the size of every batch for text that rarely changes.
/// </summary>
internal sealed record StoredBatch
{
    private const byte FormatVersion = 1;
    private const byte UplinkFlag = 1;
    private const byte LatencyThresholdFlag = 2;
    private const byte LossThresholdFlag = 4;

    public required string ProbeId { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The earliest sample's slot time.</summary>
    public required DateTimeOffset FirstSampleAt { get; init; }

    /// <summary>The latest sample's slot time: it places the batch in its partition and row.</summary>
    public required DateTimeOffset LastSampleAt { get; init; }

    public required IReadOnlyList<BatchTarget> Targets { get; init; }

    /// <summary>
    /// When ingestion stored the batch, by its clock: the watchdog's sign that a probe's batches are arriving, however
    /// old their rounds (a backlog). Null until ingestion sets it (storing needs it), and in rows stored before it was kept.
    /// </summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The probe's status sent with the batch; null from probes that send none.</summary>
    public ProbeStatus? Status { get; init; }

    public string PartitionKey => TableKeys.BatchPartition(ProbeId, LastSampleAt);

    public string RowKey => TableKeys.BatchRow(LastSampleAt, Sequence);

    public int SampleCount => Targets.Sum(t => t.Samples.Count);

    public static StoredBatch From(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var targets = new List<BatchTarget>(batch.Targets.Count);
        foreach (var target in batch.Targets)
        {
            var samples = new List<Sample>(target.Samples.Count);
            foreach (var wire in target.Samples)
            {
                var time = Sample.SlotTime(batch.WindowStart.AddMilliseconds(wire.OffsetMs));
                samples.Add(new Sample(time, wire.Value));
                first = time < first ? time : first;
                last = time > last ? time : last;
            }

            targets.Add(new BatchTarget
            {
                Name = target.Name,
                Uplink = target.Uplink,
                IntervalMs = target.IntervalMs,
                LatencyThresholdMs = target.LatencyThresholdMs,
                LossThresholdPercent = target.LossThresholdPercent,
                Samples = samples,
            });
        }

        return new StoredBatch
        {
            ProbeId = batch.ProbeId,
            Sequence = batch.Sequence,
            WindowStart = batch.WindowStart.ToUniversalTime(),
            FirstSampleAt = first,
            LastSampleAt = last,
            Targets = targets,
            Status = batch.Status,
        };
    }

    /// <summary>
    /// Packs the targets: per target its name and settings, then its samples as a varint of whole seconds
    /// since the previous sample (the first since <see cref="FirstSampleAt"/>) and a zig-zag varint value.
    /// </summary>
    public byte[] PackTargets()
    {
        using var stream = new MemoryStream(capacity: 64 + SampleCount * 5);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write7BitEncodedInt(Targets.Count);
            foreach (var target in Targets)
            {
                writer.Write(target.Name);
                var flags = (byte)((target.Uplink ? UplinkFlag : 0)
                    | (target.LatencyThresholdMs is null ? 0 : LatencyThresholdFlag)
                    | (target.LossThresholdPercent is null ? 0 : LossThresholdFlag));
                writer.Write(flags);
                writer.Write7BitEncodedInt(target.IntervalMs);
                if (target.LatencyThresholdMs is { } latency)
                {
                    writer.Write7BitEncodedInt(latency);
                }

                if (target.LossThresholdPercent is { } loss)
                {
                    writer.Write(loss);
                }

                writer.Write7BitEncodedInt(target.Samples.Count);
                var previous = FirstSampleAt;
                foreach (var sample in target.Samples)
                {
                    writer.Write7BitEncodedInt64((sample.Time - previous).Ticks / TimeSpan.TicksPerSecond);
                    writer.Write7BitEncodedInt((sample.Value << 1) ^ (sample.Value >> 31));
                    previous = sample.Time;
                }
            }
        }

        return stream.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a packed batch this code understands.</exception>
    public static IReadOnlyList<BatchTarget> UnpackTargets(ReadOnlySpan<byte> packed, DateTimeOffset firstSampleAt)
    {
        if (packed.IsEmpty || packed[0] != FormatVersion)
        {
            throw new InvalidDataException($"packed batch format {(packed.IsEmpty ? "(empty)" : packed[0].ToString(System.Globalization.CultureInfo.InvariantCulture))} is not {FormatVersion}");
        }

        using var stream = new MemoryStream(packed.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            reader.ReadByte();
            var count = reader.Read7BitEncodedInt();
            var targets = new List<BatchTarget>(count);
            for (var t = 0; t < count; t++)
            {
                var name = reader.ReadString();
                var flags = reader.ReadByte();
                var interval = reader.Read7BitEncodedInt();
                int? latency = (flags & LatencyThresholdFlag) != 0 ? reader.Read7BitEncodedInt() : null;
                double? loss = (flags & LossThresholdFlag) != 0 ? reader.ReadDouble() : null;
                var sampleCount = reader.Read7BitEncodedInt();
                var samples = new Sample[sampleCount];
                var time = firstSampleAt;
                for (var s = 0; s < sampleCount; s++)
                {
                    time = time.AddTicks(reader.Read7BitEncodedInt64() * TimeSpan.TicksPerSecond);
                    var zigzag = reader.Read7BitEncodedInt();
                    samples[s] = new Sample(time, (int)((uint)zigzag >> 1) ^ -(zigzag & 1));
                }

                targets.Add(new BatchTarget
                {
                    Name = name,
                    Uplink = (flags & UplinkFlag) != 0,
                    IntervalMs = interval,
                    LatencyThresholdMs = latency,
                    LossThresholdPercent = loss,
                    Samples = samples,
                });
            }

            return targets;
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("packed batch ends early", ex);
        }
    }
}

/// <summary>One target's part of a stored batch.</summary>
internal sealed record BatchTarget
{
    public required string Name { get; init; }

    public bool Uplink { get; init; }

    public required int IntervalMs { get; init; }

    public int? LatencyThresholdMs { get; init; }

    public double? LossThresholdPercent { get; init; }

    /// <summary>In time order, one per slot.</summary>
    public required IReadOnlyList<Sample> Samples { get; init; }
}
