using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace NetPulse.Probe.Spool;

/// <summary>
/// The on-disk form of one spooled batch: a fixed header (magic, sequence, window start, body length,
/// SHA-256 over header and body) followed by the message body. The length catches a file torn by a
/// crash mid-write; the checksum catches garbage and bit rot; the sequence in the header must match
/// the file name, so a renamed or copied file is caught too.
/// </summary>
internal static class SpoolFile
{
    public const string Extension = ".batch";

    /// <summary>"NPS1": NetPulse spool, format 1.</summary>
    private const uint Magic = 0x3153504E;

    private const int SequenceOffset = 4;
    private const int WindowStartOffset = 12;
    private const int BodyLengthOffset = 20;
    private const int ChecksumOffset = 24;
    private const int HashedHeaderLength = ChecksumOffset;

    public const int HeaderLength = ChecksumOffset + SHA256.HashSizeInBytes;

    /// <summary>Fixed-width, so that an ordinal sort of the names is the order of the batches.</summary>
    public static string NameFor(long sequence) =>
        sequence.ToString("D19", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The sequence a file name stands for, or null when the name is not one of ours.</summary>
    public static long? SequenceFromName(string fileName)
    {
        if (fileName.Length != 19 + Extension.Length || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = fileName.AsSpan(0, 19);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    /// <summary>The batch files in <paramref name="folder"/>, oldest first; none when the folder does not exist.</summary>
    public static IReadOnlyList<(long Sequence, FileInfo File)> ListIn(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return new DirectoryInfo(folder)
            .EnumerateFiles("*" + Extension)
            .Select(f => (Sequence: SequenceFromName(f.Name), File: f))
            .Where(f => f.Sequence is not null)
            .Select(f => (f.Sequence!.Value, f.File))
            .OrderBy(f => f.Item1)
            .ToList();
    }

    /// <summary>Reads and inspects just the header of the file at <paramref name="path"/> (see <see cref="InspectHeader"/>).</summary>
    /// <returns>Null when the header is sound, else why the file is unusable.</returns>
    public static string? TryReadHeader(string path, long sequence, out DateTimeOffset windowStart)
    {
        windowStart = default;
        try
        {
            // Shared for write and delete: the status command reads while the running probe sends.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[HeaderLength];
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            return InspectHeader(header[..read], stream.Length, sequence, out windowStart);
        }
        catch (FileNotFoundException)
        {
            return "the file vanished";
        }
    }

    public static byte[] Format(SpooledBatch batch)
    {
        var content = new byte[HeaderLength + batch.Body.Length];
        var span = content.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(span[SequenceOffset..], batch.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[WindowStartOffset..], batch.WindowStart.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(span[BodyLengthOffset..], batch.Body.Length);
        batch.Body.Span.CopyTo(span[HeaderLength..]);
        ComputeChecksum(span, span.Slice(ChecksumOffset, SHA256.HashSizeInBytes));
        return content;
    }

    /// <summary>
    /// Checks what can be checked without reading the body: the header and that the file is as long
    /// as it says. Enough to catch a torn write or a stray file at start-up without reading the whole spool.
    /// </summary>
    /// <returns>Null when the header is sound, else why the file is unusable.</returns>
    public static string? InspectHeader(ReadOnlySpan<byte> header, long fileLength, long expectedSequence, out DateTimeOffset windowStart)
    {
        windowStart = default;
        if (fileLength < HeaderLength || header.Length < HeaderLength)
        {
            return $"the file is {fileLength} bytes, shorter than its {HeaderLength}-byte header (a write cut short)";
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return "the file does not start with the spool header (not a spooled batch, or overwritten)";
        }

        var sequence = BinaryPrimitives.ReadInt64LittleEndian(header[SequenceOffset..]);
        if (sequence != expectedSequence)
        {
            return $"the header says batch {sequence} but the file name says {expectedSequence}";
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(header[BodyLengthOffset..]);
        if (bodyLength <= 0 || HeaderLength + (long)bodyLength != fileLength)
        {
            return $"the header promises a {bodyLength}-byte body but the file holds {fileLength - HeaderLength} (a write cut short)";
        }

        var milliseconds = BinaryPrimitives.ReadInt64LittleEndian(header[WindowStartOffset..]);
        if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return $"the header's window start {milliseconds} is no time";
        }

        windowStart = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return null;
    }

    /// <summary>Checks a whole file and takes the batch out of it.</summary>
    /// <returns>Null when the file is sound, else why it is unusable.</returns>
    public static string? TryParse(byte[] content, long expectedSequence, out SpooledBatch? batch)
    {
        batch = null;
        if (InspectHeader(content, content.Length, expectedSequence, out var windowStart) is { } problem)
        {
            return problem;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeChecksum(content, actual);
        if (!actual.SequenceEqual(content.AsSpan(ChecksumOffset, SHA256.HashSizeInBytes)))
        {
            return "the checksum does not match the content (corrupted on disk)";
        }

        batch = new SpooledBatch(expectedSequence, windowStart, content.AsMemory(HeaderLength));
        return null;
    }

    private static void ComputeChecksum(ReadOnlySpan<byte> content, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(content[..HashedHeaderLength]);
        hash.AppendData(content[HeaderLength..]);
        if (!hash.TryGetHashAndReset(destination, out _))
        {
            throw new InvalidOperationException("SHA-256 did not fit its buffer");
        }
    }
}
