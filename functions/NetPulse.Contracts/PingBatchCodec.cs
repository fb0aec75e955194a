using System.Text.Json;

namespace NetPulse.Contracts;

/// <summary>
/// Turns a <see cref="PingBatch"/> into the queue message body and back, refusing anything a reader could not
/// store faithfully. The body is in the batch's <see cref="PingBatch.Version"/>: 1 is UTF-8 JSON, 2 the compact
/// binary form (<see cref="BinaryPingBatch"/>); a reader tells them apart by the first bytes and accepts both,
/// so batches spooled before an upgrade still go. The queue itself Base64-encodes the body.
/// </summary>
public static class PingBatchCodec
{
    /// <summary>
    /// The largest body that still fits a 64 KiB queue message after Base64 (4 bytes per 3) behind its signature
    /// header (<see cref="SignedBatchMessage.MaxHeaderBytes"/>).
    /// </summary>
    public const int MaxBodyBytes = (64 * 1024 / 4 * 3) - SignedBatchMessage.MaxHeaderBytes;

    /// <summary>The largest version 2 payload before compression, which bounds what a reader decompresses.</summary>
    public const int MaxPayloadBytes = BinaryPingBatch.MaxPayloadBytes;

    /// <summary>Encodes a batch after checking it, so a probe can never send what a reader would reject.</summary>
    public static byte[] Encode(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        PingBatchRules.Check(batch);
        var body = batch.Version == PingBatch.BinaryVersion
            ? BinaryPingBatch.Encode(batch)
            : JsonSerializer.SerializeToUtf8Bytes(batch, PingBatchJsonContext.Default.PingBatch);
        if (body.Length > MaxBodyBytes)
        {
            throw new InvalidPingBatchException(
                $"batch {batch.Sequence} from probe '{batch.ProbeId}' is {body.Length} bytes; a message body holds at most {MaxBodyBytes}");
        }

        return body;
    }

    /// <summary>Size of the encoded body without the checks, for a batcher deciding when a batch is full.</summary>
    /// <remarks>A version 2 batch whose payload is past <see cref="MaxPayloadBytes"/> measures <see cref="int.MaxValue"/>: no body holds it.</remarks>
    public static int MeasureBytes(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Version != PingBatch.BinaryVersion)
        {
            return JsonSerializer.SerializeToUtf8Bytes(batch, PingBatchJsonContext.Default.PingBatch).Length;
        }

        try
        {
            return BinaryPingBatch.Encode(batch).Length;
        }
        catch (InvalidPingBatchException) when (BinaryPingBatch.PayloadBytes(batch) > MaxPayloadBytes)
        {
            return int.MaxValue;
        }
    }

    /// <summary>
    /// Size of a version 2 batch's payload before compression, without the checks; a batcher's running count
    /// keeps it under <see cref="MaxPayloadBytes"/>, and the compressed body is measured when the batch closes.
    /// </summary>
    public static int MeasurePayloadBytes(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return BinaryPingBatch.PayloadBytes(batch);
    }

    /// <summary>Most bytes one sample at <paramref name="offsetMs"/> adds to a version 2 payload, wherever it falls.</summary>
    public static int MaxPayloadBytesPerSample(int offsetMs) => BinaryPingBatch.MaxSampleBytes(offsetMs);

    /// <summary>Most bytes a target adds to a version 2 payload besides its samples.</summary>
    public static int MaxPayloadBytesPerTarget(TargetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return BinaryPingBatch.MaxTargetBytes(settings);
    }

    /// <summary>Decodes and checks a message body of either version.</summary>
    /// <exception cref="InvalidPingBatchException">The body is oversized, truncated, not of this contract, of an unknown version, or inconsistent.</exception>
    public static PingBatch Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBodyBytes)
        {
            throw new InvalidPingBatchException($"message body is {body.Length} bytes; at most {MaxBodyBytes} are accepted");
        }

        if (body.IsEmpty)
        {
            throw new InvalidPingBatchException("message body is empty");
        }

        if (BinaryPingBatch.IsBinary(body))
        {
            var binary = BinaryPingBatch.Decode(body);
            PingBatchRules.Check(binary);
            return binary;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            throw new InvalidPingBatchException($"message body is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            CheckVersion(document.RootElement);
            PingBatch? batch;
            try
            {
                batch = document.RootElement.Deserialize(PingBatchJsonContext.Default.PingBatch);
            }
            catch (JsonException ex)
            {
                throw new InvalidPingBatchException($"message is not a version {PingBatch.JsonVersion} ping batch: {ex.Message}", ex);
            }

            if (batch is null)
            {
                throw new InvalidPingBatchException("message body is JSON null");
            }

            PingBatchRules.Check(batch);
            return batch;
        }
    }

    private static void CheckVersion(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidPingBatchException($"message body must be a JSON object, not {root.ValueKind}");
        }

        if (!root.TryGetProperty("version", out var version))
        {
            throw new InvalidPingBatchException("message has no 'version' property");
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number))
        {
            throw new InvalidPingBatchException("'version' must be a whole number");
        }

        if (number == PingBatch.BinaryVersion)
        {
            throw new InvalidPingBatchException(
                $"ping-batch version {PingBatch.BinaryVersion} is binary (it starts with 'NPB'), never JSON; JSON bodies are version {PingBatch.JsonVersion}");
        }

        if (number != PingBatch.JsonVersion)
        {
            throw new InvalidPingBatchException(
                $"unsupported ping-batch version {number}; this reader understands version {PingBatch.JsonVersion} (JSON) and {PingBatch.BinaryVersion} (binary)");
        }
    }
}
