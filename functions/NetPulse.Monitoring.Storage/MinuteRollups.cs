using System.Buffers.Binary;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// The 60 minute rollups of an hour packed into one binary property of the hour's rollup entity, so a week
/// of minute-resolution chart is 168 rows. Per minute: rounds and replies (one byte each), then min, avg,
/// max, p50, p95, p99 and jitter in ms as 32-bit floats (NaN for none): 30 bytes.
/// </summary>
internal static class MinuteRollups
{
    public const int Minutes = 60;

    /// <summary>
    /// The figures after the two counts, in their stored order: both directions of the format read this one list.
    /// Stored rows have exactly these, so a figure added here is a new format (old rows fail the length check);
    /// a new statistic need not be kept per minute.
    /// </summary>
    private static readonly (Func<SampleStatistics, double?> Read, Func<SampleStatistics, double?, SampleStatistics> With)[] Figures =
    [
        (s => s.MinMs, (s, v) => s with { MinMs = v }),
        (s => s.AvgMs, (s, v) => s with { AvgMs = v }),
        (s => s.MaxMs, (s, v) => s with { MaxMs = v }),
        (s => s.P50Ms, (s, v) => s with { P50Ms = v }),
        (s => s.P95Ms, (s, v) => s with { P95Ms = v }),
        (s => s.P99Ms, (s, v) => s with { P99Ms = v }),
        (s => s.JitterMs, (s, v) => s with { JitterMs = v }),
    ];

    private static readonly int BytesPerMinute = 2 + Figures.Length * sizeof(float);

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
            for (var f = 0; f < Figures.Length; f++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(2 + f * sizeof(float))..], (float)(Figures[f].Read(s) ?? double.NaN));
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
            var statistics = new SampleStatistics { Count = span[0], Successes = span[1] };
            for (var f = 0; f < Figures.Length; f++)
            {
                if (Figure(span, f) is { } value)
                {
                    statistics = Figures[f].With(statistics, value);
                }
            }

            minutes[m] = statistics;
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
