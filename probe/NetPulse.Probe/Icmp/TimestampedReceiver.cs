using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Icmp;

/// <summary>
/// Reads a datagram together with the time the kernel received it (Linux <c>SO_TIMESTAMPNS</c>), so a round
/// trip ends when the reply arrived, not when the scheduling thread got round to reading it. fping does the
/// same; without it, a thread woken a millisecond late on a busy box adds that millisecond to every RTT.
/// </summary>
/// <remarks>
/// .NET has no receive call that returns arbitrary control messages, so this calls <c>recvmsg</c> itself. The
/// kernel stamps with the real-time clock; the stamp becomes a <see cref="Stopwatch"/> reading by subtracting
/// the packet's age (real-time now minus stamp) from the monotonic clock now. Linux on 64-bit processes only
/// (the 32-bit <c>timespec</c> differs); elsewhere <see cref="TryCreate"/> answers null and the caller reads
/// with <see cref="Socket.Receive(byte[], SocketFlags)"/> as before.
/// </remarks>
internal sealed partial class TimestampedReceiver : IDisposable
{
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35; // SCM_TIMESTAMPNS is the same number (asm-generic, x86-64 and arm64).
    private const int MsgDontWait = 0x40;
    private const int MsgErrQueue = 0x2000;
    private const int SolIP = 0;
    private const int IPRecvErr = 11;
    private const int SolIPv6 = 41;
    private const int IPv6RecvErr = 25;

    /// <summary>Room for a stamp (32 bytes) and an extended error with its offender's address (16 + 16 + 28).</summary>
    private const int ControlBytes = 128;

    /// <summary>sockaddr_in6 is 28 bytes; room for any address family.</summary>
    private const int NameBytes = 128;

    /// <summary>A stamp older than this is not trusted (the wall clock stepped): the reading time is used.</summary>
    private static readonly long MaximumAgeNanoseconds = 1_000_000_000;

    private readonly Socket _socket;
    private readonly nint _iov;
    private readonly nint _control;
    private readonly nint _name;
    private bool _disposed;

    private TimestampedReceiver(Socket socket, byte[] pinnedBuffer)
    {
        _socket = socket;
        _iov = Marshal.AllocHGlobal(2 * IntPtr.Size);
        _control = Marshal.AllocHGlobal(ControlBytes);
        _name = Marshal.AllocHGlobal(NameBytes);
        Marshal.WriteIntPtr(_iov, 0, Marshal.UnsafeAddrOfPinnedArrayElement(pinnedBuffer, 0));
        Marshal.WriteIntPtr(_iov, IntPtr.Size, pinnedBuffer.Length);
    }

    /// <summary>
    /// Turns kernel receive stamps on for <paramref name="socket"/>, or answers null where that is not possible.
    /// Datagrams are read into <paramref name="pinnedBuffer"/>, which must be allocated pinned.
    /// </summary>
    public static TimestampedReceiver? TryCreate(Socket socket, byte[] pinnedBuffer, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return null;
        }

        try
        {
            socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));
            return new TimestampedReceiver(socket, pinnedBuffer);
        }
        catch (SocketException e)
        {
            logger.LogDebug(e, "Kernel receive timestamps not available: round trips end when the reply is read");
            return null;
        }
    }

    /// <summary>
    /// Reads one waiting datagram into the buffer. Answers its length, or -1 when nothing was waiting or
    /// the read failed; <paramref name="received"/> is the <see cref="Stopwatch"/> time the kernel received it and
    /// <paramref name="source"/> (when not empty) gets the start of the sender's socket address.
    /// </summary>
    public int Receive(Span<byte> source, out long received)
    {
        var length = ReadMessage(source, MsgDontWait, out var controlLength);
        received = Stopwatch.GetTimestamp();
        if (length < 0)
        {
            return -1;
        }

        var readAt = DateTime.UtcNow;
        if (TryReadStamp(controlLength, out var stampNanoseconds))
        {
            var age = (readAt - DateTime.UnixEpoch).Ticks * 100 - stampNanoseconds;
            if (age >= 0 && age < MaximumAgeNanoseconds)
            {
                received -= (long)(age * (Stopwatch.Frequency / 1e9));
            }
        }

        return (int)length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Marshal.FreeHGlobal(_iov);
        Marshal.FreeHGlobal(_control);
        Marshal.FreeHGlobal(_name);
    }

    /// <summary>
    /// Reads one ICMP error from the socket's error queue (<c>MSG_ERRQUEUE</c>; the socket needs <c>IP_RECVERR</c> or
    /// <c>IPV6_RECVERR</c> on). Answers the length of the quoted data (the echo request the error is about), or -1 when
    /// the queue is empty; <paramref name="destination"/> (when not empty) gets the start of the socket address the
    /// request went to, and <paramref name="origin"/> and <paramref name="type"/> the error's <c>ee_origin</c> and
    /// <c>ee_type</c> (0 when it carried none).
    /// </summary>
    public int ReceiveError(Span<byte> destination, out byte origin, out byte type)
    {
        origin = 0;
        type = 0;
        var length = ReadMessage(destination, MsgDontWait | MsgErrQueue, out var controlLength);
        if (length < 0)
        {
            return -1;
        }

        // struct sock_extended_err: u32 ee_errno, u8 ee_origin, u8 ee_type, u8 ee_code, ...
        Span<byte> control = stackalloc byte[ControlBytes];
        if (TryFindControl(controlLength, control, SolIP, IPRecvErr, 8, out var data)
            || TryFindControl(controlLength, control, SolIPv6, IPv6RecvErr, 8, out data))
        {
            origin = data[4];
            type = data[5];
        }

        return length;
    }

    /// <summary>One recvmsg into the buffer, the name and the control area; -1 when nothing was waiting or it failed.</summary>
    private int ReadMessage(Span<byte> name, int flags, out nuint controlLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var message = new MessageHeader
        {
            Name = _name,
            NameLength = NameBytes,
            Iov = _iov,
            IovLength = 1,
            Control = _control,
            ControlLength = ControlBytes,
        };

        var length = ReceiveMessage(_socket.SafeHandle, ref message, flags);
        controlLength = message.ControlLength;
        if (length < 0)
        {
            return -1;
        }

        if (!name.IsEmpty)
        {
            CopyFromNative(_name, name[..Math.Min(name.Length, (int)Math.Min(message.NameLength, (uint)NameBytes))]);
        }

        return (int)length;
    }

    private bool TryReadStamp(nuint controlLength, out long stampNanoseconds)
    {
        stampNanoseconds = 0;
        Span<byte> control = stackalloc byte[ControlBytes];
        if (!TryFindControl(controlLength, control, SolSocket, SoTimestampNs, 16, out var stamp))
        {
            return false;
        }

        var seconds = BinaryPrimitives.ReadInt64LittleEndian(stamp);
        var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(stamp[8..]);
        stampNanoseconds = (seconds * 1_000_000_000) + nanoseconds;
        return true;
    }

    /// <summary>
    /// Walks the control messages (struct cmsghdr: size_t len, int level, int type, data at 16) for one of
    /// <paramref name="level"/> and <paramref name="type"/> with at least <paramref name="minimumData"/> bytes of data,
    /// copied into <paramref name="control"/>; <paramref name="data"/> is its data there.
    /// </summary>
    private bool TryFindControl(nuint controlLength, Span<byte> control, int level, int type, int minimumData, out Span<byte> data)
    {
        data = default;
        var used = (int)Math.Min(controlLength, (nuint)ControlBytes);
        CopyFromNative(_control, control[..used]);
        var offset = 0;
        while (offset + 16 <= used)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
            var foundLevel = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]);
            var foundType = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]);
            if (length < 16 || offset + length > used)
            {
                return false;
            }

            if (foundLevel == level && foundType == type && length >= 16 + minimumData)
            {
                data = control.Slice(offset + 16, length - 16);
                return true;
            }

            offset += (length + 7) & ~7;
        }

        return false;
    }

    private static void CopyFromNative(nint from, Span<byte> to)
    {
        for (var i = 0; i < to.Length; i++)
        {
            to[i] = Marshal.ReadByte(from, i);
        }
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(SafeHandle socket, ref MessageHeader message, int flags);

    /// <summary>struct msghdr, laid out as the C compiler does on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }
}
