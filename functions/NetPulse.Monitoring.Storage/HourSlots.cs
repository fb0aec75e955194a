using System.Buffers.Binary;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// One target's UTC hour as 3,600 slots, one per second: slot = whole seconds since the hour began, value as
/// in <see cref="Sample.Value"/>, or <see cref="Empty"/> where no round was stored. Packed as little-endian
/// 32-bit integers (14,400 bytes, inside the 64 KiB property limit), so writing a slot is positional and a
/// rebuild from the same batches gives the same bytes.
/// </summary>
internal sealed class HourSlots
{
    public const int Count = 3600;

    public const int Empty = int.MinValue;

    public const int PackedLength = Count * sizeof(int);

    private readonly int[] _values;

    public HourSlots(DateTimeOffset hour)
    {
        if (hour.UtcTicks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException($"{hour:O} is not the start of an hour", nameof(hour));
        }

        Hour = hour.ToUniversalTime();
        _values = new int[Count];
        Array.Fill(_values, Empty);
    }

    public DateTimeOffset Hour { get; }

    public ReadOnlySpan<int> Values => _values;

    public int FilledCount => _values.Count(v => v != Empty);

    public static int SlotOf(DateTimeOffset hour, DateTimeOffset time) => (int)((time.UtcTicks - hour.UtcTicks) / TimeSpan.TicksPerSecond);

    public bool Contains(DateTimeOffset time) => time >= Hour && time < Hour.AddHours(1);

    public int this[int slot]
    {
        get => _values[slot];
        set => _values[slot] = value;
    }

    public void Set(Sample sample)
    {
        if (!Contains(sample.Time))
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample.Time, $"the sample is outside the hour {Hour:O}");
        }

        _values[SlotOf(Hour, sample.Time)] = sample.Value;
    }

    /// <summary>The stored rounds in time order.</summary>
    public IEnumerable<Sample> Samples(DateTimeOffset from, DateTimeOffset to)
    {
        for (var slot = 0; slot < Count; slot++)
        {
            if (_values[slot] == Empty)
            {
                continue;
            }

            var time = Hour.AddSeconds(slot);
            if (time >= from && time <= to)
            {
                yield return new Sample(time, _values[slot]);
            }
        }
    }

    public byte[] Pack()
    {
        var bytes = new byte[PackedLength];
        for (var slot = 0; slot < Count; slot++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(slot * sizeof(int)), _values[slot]);
        }

        return bytes;
    }

    /// <exception cref="InvalidDataException">The bytes are not 3,600 packed slots.</exception>
    public static HourSlots Unpack(DateTimeOffset hour, ReadOnlySpan<byte> packed)
    {
        if (packed.Length != PackedLength)
        {
            throw new InvalidDataException($"an hour of slots is {PackedLength} bytes, not {packed.Length}");
        }

        var slots = new HourSlots(hour);
        for (var slot = 0; slot < Count; slot++)
        {
            slots._values[slot] = BinaryPrimitives.ReadInt32LittleEndian(packed[(slot * sizeof(int))..]);
        }

        return slots;
    }
}
