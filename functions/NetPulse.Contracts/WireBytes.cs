using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NetPulse.Contracts;

/// <summary>Appends the primitives of the binary batch format: LEB128 varints, zigzag, length-prefixed UTF-8.</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WireWriter(int initialCapacity) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    public void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public void Zigzag(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

    public void Text(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)length);
        _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Bytes a varint of <paramref name="value"/> takes.</summary>
    public static int VarintBytes(ulong value)
    {
        var bytes = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            bytes++;
        }

        return bytes;
    }
}

/// <summary>
/// Reads the primitives of the binary batch format from untrusted bytes. Every read checks the bytes left and
/// every length is bounded before anything is allocated; a problem is an <see cref="InvalidPingBatchException"/>
/// that names the field being read.
/// </summary>
internal ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    public WireReader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public readonly int Remaining => _bytes.Length - _position;

    public byte Byte(WireField where)
    {
        if (_position >= _bytes.Length)
        {
            throw Truncated(where);
        }

        return _bytes[_position++];
    }

    public ulong Varint(WireField where)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte(where);
            if (shift == 63 && b > 1)
            {
                break;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidPingBatchException($"version 2 batch: {where} is a varint longer than 64 bits");
    }

    /// <summary>A varint that must be at most <paramref name="max"/>.</summary>
    public int Bounded(WireField where, int max)
    {
        var value = Varint(where);
        if (value > (ulong)max)
        {
            throw new InvalidPingBatchException($"version 2 batch: {where} is {value}; at most {max} is possible");
        }

        return (int)value;
    }

    public long Zigzag(WireField where)
    {
        var raw = Varint(where);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public string Text(WireField where, int maxBytes)
    {
        var length = Bounded(where.Then(" length"), maxBytes);
        if (length > Remaining)
        {
            throw Truncated(where);
        }

        try
        {
            var text = StrictUtf8.GetString(_bytes.Slice(_position, length));
            _position += length;
            return text;
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidPingBatchException($"version 2 batch: {where} is not valid UTF-8", ex);
        }
    }

    /// <summary>The next <paramref name="length"/> bytes as they are.</summary>
    public ReadOnlySpan<byte> Slice(WireField where, int length)
    {
        if (length > Remaining)
        {
            throw Truncated(where);
        }

        var slice = _bytes.Slice(_position, length);
        _position += length;
        return slice;
    }

    public double Double(WireField where)
    {
        if (Remaining < 8)
        {
            throw Truncated(where);
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(_bytes.Slice(_position, 8));
        _position += 8;
        return value;
    }

    private static InvalidPingBatchException Truncated(WireField where) =>
        new($"version 2 batch is truncated: it ends inside {where}");
}

/// <summary>
/// The name of a field for <see cref="WireReader"/>'s error messages, put together only when a message is made: the
/// decoder names every field it reads (a sample's RTT is "targets[3].samples[41] RTT"), and building those strings
/// up front was, measured on the probe's 1,000-target benchmark, a quarter of everything the probe allocated (its
/// sender decodes each batch before sending it). Reads as <see cref="Prefix"/>, <see cref="Middle"/>,
/// <see cref="Index"/> (none when negative), <see cref="Suffix"/>, then <see cref="Tail"/>.
/// </summary>
internal readonly record struct WireField(string Prefix, string Middle = "", int Index = -1, string Suffix = "", string Tail = "")
{
    public static implicit operator WireField(string name) => new(name);

    /// <summary>This name with <paramref name="tail"/> after it.</summary>
    public WireField Then(string tail) => Tail.Length == 0 ? this with { Tail = tail } : new WireField(ToString() + tail);

    public override string ToString() =>
        Index < 0 ? string.Concat(Prefix, Middle, Suffix, Tail) : $"{Prefix}{Middle}{Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}{Suffix}{Tail}";
}
