using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// An IPv4 or IPv6 address as one 128-bit value (IPv4 in its IPv4-mapped IPv6 form), so a reply's
/// source can be compared with a target's address without allocating an <see cref="IPAddress"/>.
/// </summary>
internal readonly record struct IcmpAddress(UInt128 Value)
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;

    public bool IsIPv4 => Value >> 32 == 0xFFFF;

    public static IcmpAddress FromIPv4(ReadOnlySpan<byte> fourBytes) =>
        new(MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(fourBytes));

    public static IcmpAddress FromIPv6(ReadOnlySpan<byte> sixteenBytes) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(sixteenBytes));

    public static IcmpAddress From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return FromIPv4(bytes[..4]);
        }

        address.TryWriteBytes(bytes, out _);
        return FromIPv6(bytes);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return IsIPv4 ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }

    public override string ToString() => ToIPAddress().ToString();
}
