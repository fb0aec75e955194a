using System.IO.Compression;

namespace NetPulse.Contracts;

/// <summary>
/// Version 2 of the batch body: binary, so that 100 targets × 60 s at 1 Hz and 1,000 targets × 10 s fit one queue
/// message. Samples sit at implicit slots (the previous sample + the target's interval) with an explicit gap only
/// where one is off its slot, RTTs are zigzag varint deltas, failures one status byte each; the payload is
/// Brotli-compressed when that makes it smaller, which is what lets 1,000 targets' names and hosts fit.
/// The layout is in the README ("Wire format, version 2"). Reading never trusts a count: each is bounded before
/// anything is allocated, and the payload's declared size (at most <see cref="MaxPayloadBytes"/>) bounds decompression.
/// </summary>
internal static class BinaryPingBatch
{
    /// <summary>'N' 'P' 'B': no JSON text starts with it, so a reader tells the versions apart by the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "NPB"u8;

    /// <summary>Magic, version byte, compression byte.</summary>
    public const int PrefixBytes = 5;

    /// <summary>The largest payload before compression; it bounds what a reader decompresses.</summary>
    public const int MaxPayloadBytes = 192 * 1024;

    private const byte Uncompressed = 0;
    private const byte Brotli = 1;

    // Measured on 1,000 targets × 10 s (an 80 KB payload): quality 5 gives 39.0 KB, quality 11 35.4 KB at 25 times
    // the time, Deflate (optimal) 40.5 KB; the samples themselves hardly compress, the names and hosts do.
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;

    private const byte UplinkFlag = 1;
    private const byte CategoryFlag = 2;
    private const byte DescriptionFlag = 4;
    private const byte LatencyThresholdFlag = 8;
    private const byte LossThresholdFlag = 16;
    private const byte KnownFlags = UplinkFlag | CategoryFlag | DescriptionFlag | LatencyThresholdFlag | LossThresholdFlag;

    // Sections follow the targets: a tag, a length, the bytes. A reader skips a tag it does not know, so a newer
    // probe's extra section reaches an older backend as the batch it understands.
    private const int StatusSection = 1;
    private const int MaxStatusBytes = 4 * 1024;

    /// <summary>Path snapshots as JSON (a rare, small section: Brotli takes the repetition out), bounded well above 8 full snapshots.</summary>
    private const int PathsSection = 2;
    private const int MaxPathsBytes = 256 * 1024;

    /// <summary>One sample per second at most, so a window of <see cref="PingBatchRules.MaxOffsetMs"/> holds at most this many per target.</summary>
    private const int MaxSamplesPerTarget = (PingBatchRules.MaxOffsetMs / TargetSettings.MinIntervalMs) + 1;

    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long MaxTicks = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks - Epoch.UtcTicks;

    public static bool IsBinary(ReadOnlySpan<byte> body) => body.StartsWith(Magic);

    /// <summary>The uncompressed payload, without any check: what the probe's size estimate counts.</summary>
    public static int PayloadBytes(PingBatch batch) => WritePayload(batch).Length;

    /// <summary>
    /// Most bytes one sample at <paramref name="offsetMs"/> adds to a payload, wherever it falls: a run count and
    /// a gap (never more than its offset), and a zigzag RTT delta within ±60 s or a failure's index gap and status.
    /// </summary>
    public static int MaxSampleBytes(int offsetMs) =>
        WireWriter.VarintBytes((ulong)MaxSamplesPerTarget) + WireWriter.VarintBytes((ulong)Math.Max(0, offsetMs))
        + WireWriter.VarintBytes(2UL * SampleValue.MaxRttMicroseconds);

    /// <summary>Bytes a target adds to a payload besides its samples' <see cref="MaxSampleBytes"/>, at most.</summary>
    public static int MaxTargetBytes(TargetSettings settings)
    {
        var writer = new WireWriter(256);
        WriteSettings(writer, settings);

        // Sample count, first offset, last run, failure count: each at most three bytes.
        return writer.Length + 12;
    }

    /// <summary>The body: prefix, payload size, then the payload, compressed when that is smaller.</summary>
    public static byte[] Encode(PingBatch batch)
    {
        var payload = WritePayload(batch);
        if (payload.Length > MaxPayloadBytes)
        {
            throw new InvalidPingBatchException(
                $"batch {batch.Sequence} from probe '{batch.ProbeId}' is {payload.Length} bytes before compression; version 2 holds at most {MaxPayloadBytes}");
        }

        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(payload.Length)];
        var useBrotli = BrotliEncoder.TryCompress(payload.Written, compressed, out var compressedLength, BrotliQuality, BrotliWindow)
            && compressedLength < payload.Length;
        var body = new WireWriter(PrefixBytes + 4 + (useBrotli ? compressedLength : payload.Length));
        body.Bytes(Magic);
        body.Byte((byte)PingBatch.BinaryVersion);
        body.Byte(useBrotli ? Brotli : Uncompressed);
        body.Varint((ulong)payload.Length);
        body.Bytes(useBrotli ? compressed.AsSpan(0, compressedLength) : payload.Written);
        return body.Written.ToArray();
    }

    /// <summary>Reads a body that starts with <see cref="Magic"/>; the caller checks the rules on the result.</summary>
    public static PingBatch Decode(ReadOnlySpan<byte> body)
    {
        var prefix = new WireReader(body[Magic.Length..]);
        var version = prefix.Byte("the version byte");
        if (version != PingBatch.BinaryVersion)
        {
            throw new InvalidPingBatchException(
                $"unsupported binary ping-batch version {version}; this reader understands binary version {PingBatch.BinaryVersion} (and JSON version {PingBatch.JsonVersion})");
        }

        var compression = prefix.Byte("the compression byte");
        var payloadLength = prefix.Bounded("the payload size", MaxPayloadBytes);
        var rest = body[(body.Length - prefix.Remaining)..];
        switch (compression)
        {
            case Uncompressed:
                if (rest.Length != payloadLength)
                {
                    throw new InvalidPingBatchException(
                        $"version 2 batch declares a payload of {payloadLength} bytes but carries {rest.Length}{(rest.Length < payloadLength ? " (truncated)" : "")}");
                }

                return ReadPayload(rest);
            case Brotli:
                return ReadPayload(Decompress(rest, payloadLength));
            default:
                throw new InvalidPingBatchException($"version 2 batch names compression {compression}; known are 0 (none) and 1 (Brotli)");
        }
    }

    private static byte[] Decompress(ReadOnlySpan<byte> compressed, int payloadLength)
    {
        // One byte more than declared, so a stream that would grow past its declared size is caught, not cut off.
        var payload = new byte[payloadLength + 1];
        using var decoder = new BrotliDecoder();
        var status = decoder.Decompress(compressed, payload, out var consumed, out var written);
        return status switch
        {
            System.Buffers.OperationStatus.Done when written == payloadLength && consumed == compressed.Length => payload[..payloadLength],
            System.Buffers.OperationStatus.Done when consumed != compressed.Length =>
                throw new InvalidPingBatchException($"version 2 batch has {compressed.Length - consumed} bytes after its compressed payload"),
            System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.DestinationTooSmall =>
                throw new InvalidPingBatchException(
                    $"version 2 batch declares a payload of {payloadLength} bytes but it decompresses to {(written > payloadLength ? "more" : written.ToString(System.Globalization.CultureInfo.InvariantCulture))}"),
            System.Buffers.OperationStatus.NeedMoreData => throw new InvalidPingBatchException("version 2 batch is truncated: its compressed payload ends early"),
            _ => throw new InvalidPingBatchException("version 2 batch's compressed payload is damaged (not a Brotli stream)"),
        };
    }

    private static WireWriter WritePayload(PingBatch batch)
    {
        var writer = new WireWriter(1024 + (batch.Targets.Count * 64) + (batch.SampleCount * 3));
        writer.Text(batch.ProbeId);
        writer.Varint((ulong)batch.Sequence);
        writer.Varint((ulong)(batch.WindowStart.UtcTicks - Epoch.UtcTicks));
        writer.Varint((ulong)batch.Targets.Count);
        foreach (var target in batch.Targets)
        {
            WriteSettings(writer, target);
            WriteSamples(writer, target);
        }

        if (batch.Status is { } status)
        {
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(status, PingBatchJsonContext.Default.ProbeStatus);
            writer.Varint(StatusSection);
            writer.Varint((ulong)json.Length);
            writer.Bytes(json);
        }

        if (batch.Paths is { Count: > 0 } paths)
        {
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(paths, PingBatchJsonContext.Default.IReadOnlyListPathSnapshot);
            if (json.Length > MaxPathsBytes)
            {
                throw new InvalidPingBatchException($"the path snapshots take {json.Length} bytes; at most {MaxPathsBytes} are allowed");
            }

            writer.Varint(PathsSection);
            writer.Varint((ulong)json.Length);
            writer.Bytes(json);
        }

        return writer;
    }

    private static void WriteSettings(WireWriter writer, TargetSettings target)
    {
        writer.Text(target.Name);
        writer.Text(target.Host);
        writer.Byte((byte)((target.Uplink ? UplinkFlag : 0)
            | (target.Category is null ? 0 : CategoryFlag)
            | (target.Description is null ? 0 : DescriptionFlag)
            | (target.LatencyThresholdMs is null ? 0 : LatencyThresholdFlag)
            | (target.LossThresholdPercent is null ? 0 : LossThresholdFlag)));
        writer.Varint((ulong)target.IntervalMs);
        if (target.Category is { } category)
        {
            writer.Text(category);
        }

        if (target.Description is { } description)
        {
            writer.Text(description);
        }

        if (target.LatencyThresholdMs is { } latency)
        {
            writer.Varint((ulong)latency);
        }

        if (target.LossThresholdPercent is { } loss)
        {
            writer.Double(loss);
        }
    }

    /// <summary>
    /// Count; first offset; then runs: how many samples follow on their slots, then the gap before the next
    /// off-slot sample, until the count is reached. Then the failures (index gap, status byte), then each
    /// success's RTT as the zigzag delta from the target's previous RTT.
    /// </summary>
    private static void WriteSamples(WireWriter writer, TargetSamples target)
    {
        var samples = target.Samples;
        writer.Varint((ulong)samples.Count);
        writer.Varint((ulong)samples[0].OffsetMs);
        var onSlot = 0;
        for (var i = 1; i < samples.Count; i++)
        {
            var gap = samples[i].OffsetMs - samples[i - 1].OffsetMs;
            if (gap == target.IntervalMs)
            {
                onSlot++;
                continue;
            }

            writer.Varint((ulong)onSlot);
            writer.Varint((ulong)gap);
            onSlot = 0;
        }

        writer.Varint((ulong)onSlot);

        var failures = 0;
        foreach (var sample in samples)
        {
            failures += sample.IsSuccess ? 0 : 1;
        }

        writer.Varint((ulong)failures);
        var next = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (!samples[i].IsSuccess)
            {
                writer.Varint((ulong)(i - next));
                writer.Byte((byte)samples[i].Status);
                next = i + 1;
            }
        }

        long previous = 0;
        foreach (var sample in samples)
        {
            if (sample.IsSuccess)
            {
                writer.Zigzag(sample.Value - previous);
                previous = sample.Value;
            }
        }
    }

    private static PingBatch ReadPayload(ReadOnlySpan<byte> payload)
    {
        var reader = new WireReader(payload);
        var probeId = reader.Text("probeId", PingBatchRules.MaxProbeIdLength);
        var sequence = reader.Varint("sequence");
        if (sequence > long.MaxValue)
        {
            throw new InvalidPingBatchException($"version 2 batch: sequence {sequence} is beyond {long.MaxValue}");
        }

        var ticks = reader.Varint("windowStart");
        if (ticks >= (ulong)MaxTicks)
        {
            throw new InvalidPingBatchException("version 2 batch: 'windowStart' is outside 2000-2099");
        }

        var targetCount = reader.Bounded("the target count", PingBatchRules.MaxTargetsPerBatch);
        var targets = new TargetSamples[targetCount];
        for (var i = 0; i < targetCount; i++)
        {
            targets[i] = ReadTarget(ref reader, $"targets[{i}]");
        }

        ProbeStatus? status = null;
        IReadOnlyList<PathSnapshot>? paths = null;
        var seen = new HashSet<ulong>();
        while (reader.Remaining != 0)
        {
            var tag = reader.Varint("a section tag");
            var length = reader.Bounded($"section {tag}'s length", reader.Remaining);
            var bytes = reader.Slice($"section {tag}", length);
            if (!seen.Add(tag))
            {
                throw new InvalidPingBatchException($"version 2 batch: section {tag} appears twice");
            }

            if (tag == StatusSection)
            {
                status = ReadStatus(bytes);
            }
            else if (tag == PathsSection)
            {
                paths = ReadPaths(bytes);
            }
        }

        return new PingBatch
        {
            Version = PingBatch.BinaryVersion,
            ProbeId = probeId,
            Sequence = (long)sequence,
            WindowStart = Epoch.AddTicks((long)ticks),
            Targets = targets,
            Status = status,
            Paths = paths,
        };
    }

    private static IReadOnlyList<PathSnapshot> ReadPaths(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxPathsBytes)
        {
            throw new InvalidPingBatchException($"version 2 batch: the paths section is {bytes.Length} bytes; at most {MaxPathsBytes} are allowed");
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(bytes, PingBatchJsonContext.Default.IReadOnlyListPathSnapshot)
                ?? throw new InvalidPingBatchException("version 2 batch: the paths section is JSON null");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidPingBatchException($"version 2 batch: the paths section is not a list of path snapshots ({ex.Message})", ex);
        }
    }

    private static ProbeStatus ReadStatus(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxStatusBytes)
        {
            throw new InvalidPingBatchException($"version 2 batch: the status section is {bytes.Length} bytes; at most {MaxStatusBytes} are allowed");
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(bytes, PingBatchJsonContext.Default.ProbeStatus)
                ?? throw new InvalidPingBatchException("version 2 batch: the status section is JSON null");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidPingBatchException($"version 2 batch: the status section is not a probe status ({ex.Message})", ex);
        }
    }

    private static TargetSamples ReadTarget(ref WireReader reader, string where)
    {
        // Four bytes a character is the most UTF-8 needs; the rules then count characters.
        var name = reader.Text(new WireField(where, ".name"), TargetSettings.MaxNameLength * 4);
        var host = reader.Text(new WireField(where, ".host"), TargetSettings.MaxHostLength * 4);
        var flags = reader.Byte(new WireField(where, ".flags"));
        if ((flags & ~KnownFlags) != 0)
        {
            throw new InvalidPingBatchException($"version 2 batch: {where}.flags 0x{flags:x2} sets unknown bits");
        }

        var interval = reader.Bounded(new WireField(where, ".intervalMs"), int.MaxValue);
        var category = (flags & CategoryFlag) != 0 ? reader.Text(new WireField(where, ".category"), TargetSettings.MaxCategoryLength * 4) : null;
        var description = (flags & DescriptionFlag) != 0 ? reader.Text(new WireField(where, ".description"), TargetSettings.MaxDescriptionLength * 4) : null;
        int? latency = (flags & LatencyThresholdFlag) != 0 ? reader.Bounded(new WireField(where, ".latencyThresholdMs"), int.MaxValue) : null;
        double? loss = (flags & LossThresholdFlag) != 0 ? reader.Double(new WireField(where, ".lossThresholdPercent")) : null;
        return new TargetSamples
        {
            Name = name,
            Host = host,
            Category = category,
            Description = description,
            Uplink = (flags & UplinkFlag) != 0,
            IntervalMs = interval,
            LatencyThresholdMs = latency,
            LossThresholdPercent = loss,
            Samples = ReadSamples(ref reader, $"{where}.samples", interval),
        };
    }

    private static WireSample[] ReadSamples(ref WireReader reader, string where, int intervalMs)
    {
        // Every sample costs at least a byte (its RTT, or its failure's status), so the count is bounded by what is left.
        var count = reader.Bounded(new WireField(where, " count"), Math.Min(MaxSamplesPerTarget, reader.Remaining));
        if (count == 0)
        {
            throw new InvalidPingBatchException($"version 2 batch: {where} must hold at least one sample");
        }

        var offsets = new long[count];
        offsets[0] = reader.Bounded(new WireField(where, "[0] offset"), PingBatchRules.MaxOffsetMs);
        var i = 1;
        while (true)
        {
            var run = reader.Bounded(new WireField(where, " run after sample ", i - 1), count - i);
            for (var end = i + run; i < end; i++)
            {
                offsets[i] = offsets[i - 1] + intervalMs;
            }

            if (i == count)
            {
                break;
            }

            offsets[i] = offsets[i - 1] + reader.Bounded(new WireField(where, "[", i, "] gap"), PingBatchRules.MaxOffsetMs);
            i++;
        }

        var values = new int[count];
        var failed = new bool[count];
        var failures = reader.Bounded(new WireField(where, " failure count"), count);
        var next = 0;
        for (var f = 0; f < failures; f++)
        {
            var index = next + reader.Bounded(new WireField(where, " failure ", f, " index"), count - 1 - next);
            var status = reader.Byte(new WireField(where, "[", index, "] status"));
            if (status == (byte)PingStatus.Ok || !Enum.IsDefined((PingStatus)status))
            {
                throw new InvalidPingBatchException($"version 2 batch: {where}[{index}] status {status} is no known failure status");
            }

            values[index] = -status;
            failed[index] = true;
            next = index + 1;
            if (f + 1 < failures && next == count)
            {
                throw new InvalidPingBatchException($"version 2 batch: {where} lists more failures than samples");
            }
        }

        long rtt = 0;
        var samples = new WireSample[count];
        for (var s = 0; s < count; s++)
        {
            if (!failed[s])
            {
                // Bounded first, so the sum cannot wrap around.
                var delta = reader.Zigzag(new WireField(where, "[", s, "] RTT"));
                rtt = delta is < -int.MaxValue or > int.MaxValue ? long.MaxValue : rtt + delta;
                if (rtt is < 0 or > SampleValue.MaxRttMicroseconds)
                {
                    throw new InvalidPingBatchException($"version 2 batch: {where}[{s}] RTT {rtt} µs is outside 0-{SampleValue.MaxRttMicroseconds}");
                }

                values[s] = (int)rtt;
            }

            if (offsets[s] > PingBatchRules.MaxOffsetMs)
            {
                throw new InvalidPingBatchException($"version 2 batch: {where}[{s}] offset {offsets[s]} ms is outside 0-{PingBatchRules.MaxOffsetMs}");
            }

            samples[s] = new WireSample((int)offsets[s], values[s]);
        }

        return samples;
    }
}
