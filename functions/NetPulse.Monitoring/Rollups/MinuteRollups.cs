using System.Buffers.Binary;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Rollups;

/// <summary>
/// The 60 minute rollups of an hour packed into one binary property of the hour's rollup entity, so a week
/// of minute-resolution chart is 168 rows. Per minute: rounds and replies (one byte each), then min, avg,
/// max, p50, p95, p99 and jitter in ms as 32-bit floats (NaN for none): 30 bytes.
/// </summary>
internal static class MinuteRollups
{
    public const int Minutes = 60;
    private const int FiguresPerMinute = 7;
    private const int BytesPerMinute = 2 + FiguresPerMinute * sizeof(float);

    public static SampleStatistics[] Compute(HourSlots slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var minutes = new SampleStatistics[Minutes];
        for (var minute = 0; minute < Minutes; minute++)
        {
            minutes[minute] = SampleStatistics.Of(slots.Values.Slice(minute * 60, 60));
        }

        return minutes;
    }

    public static byte[] Pack(IReadOnlyList<SampleStatistics> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count != Minutes)
        {
            throw new ArgumentException($"an hour has {Minutes} minutes, not {minutes.Count}", nameof(minutes));
        }

        var bytes = new byte[Minutes * BytesPerMinute];
        for (var m = 0; m < Minutes; m++)
        {
            var span = bytes.AsSpan(m * BytesPerMinute, BytesPerMinute);
            var s = minutes[m];
            span[0] = checked((byte)s.Count);
            span[1] = checked((byte)s.Successes);
            var figures = new[] { s.MinMs, s.AvgMs, s.MaxMs, s.P50Ms, s.P95Ms, s.P99Ms, s.JitterMs };
            for (var f = 0; f < FiguresPerMinute; f++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(2 + f * sizeof(float))..], (float)(figures[f] ?? double.NaN));
            }
        }

        return bytes;
    }

    /// <exception cref="InvalidDataException">The bytes are not 60 packed minutes.</exception>
    public static SampleStatistics[] Unpack(ReadOnlySpan<byte> packed)
    {
        if (packed.Length != Minutes * BytesPerMinute)
        {
            throw new InvalidDataException($"an hour of minute rollups is {Minutes * BytesPerMinute} bytes, not {packed.Length}");
        }

        var minutes = new SampleStatistics[Minutes];
        for (var m = 0; m < Minutes; m++)
        {
            var span = packed.Slice(m * BytesPerMinute, BytesPerMinute);
            minutes[m] = new SampleStatistics
            {
                Count = span[0],
                Successes = span[1],
                MinMs = Figure(span, 0),
                AvgMs = Figure(span, 1),
                MaxMs = Figure(span, 2),
                P50Ms = Figure(span, 3),
                P95Ms = Figure(span, 4),
                P99Ms = Figure(span, 5),
                JitterMs = Figure(span, 6),
            };
        }

        return minutes;
    }

    // RTTs are whole microseconds, so three decimals of a millisecond undo the float's rounding.
    private static double? Figure(ReadOnlySpan<byte> minute, int index)
    {
        var value = BinaryPrimitives.ReadSingleLittleEndian(minute[(2 + index * sizeof(float))..]);
        return float.IsNaN(value) ? null : Math.Round(value, 3);
    }
}
