using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>
/// The kernel's receive stamp, read through <c>recvmsg</c>: shown on a UDP socket on loopback (any datagram socket
/// takes <c>SO_TIMESTAMPNS</c>, and this one needs no privilege), with the read made well after the arrival.
/// </summary>
public sealed class TimestampedReceiverTests
{
    private static readonly TimeSpan ReadDelay = TimeSpan.FromMilliseconds(80);

    [KernelStampFact]
    public void A_datagram_read_late_carries_the_time_it_arrived_not_the_time_it_was_read()
    {
        // The receiver trusts a stamp up to 1 s old (older means the wall clock stepped). On a loaded machine the
        // 80 ms pause can stretch past that, and then the reading time is used by design: such an attempt proves
        // nothing, so it is made again (a wrong stamp fails every attempt).
        for (var attempt = 1; ; attempt++)
        {
            var read = SendAndReadLate();
            if (Stopwatch.GetElapsedTime(read.Sent, read.ReadAt) < TimeSpan.FromMilliseconds(900))
            {
                // The datagram arrived during the send call (loopback); the bound allows for the clock conversion.
                var tolerance = Stopwatch.Frequency / 50;
                Assert.InRange(read.Received, read.Sent - tolerance, read.SendReturned + tolerance);
                var readAfterArrival = Stopwatch.GetElapsedTime(read.Received, read.ReadAt);
                Assert.True(readAfterArrival >= ReadDelay - TimeSpan.FromMilliseconds(20), $"read {readAfterArrival.TotalMilliseconds:F1} ms after the stamp");
                return;
            }

            Assert.True(attempt < 5, "the machine was too busy: every read came more than a second after its datagram");
        }
    }

    private readonly record struct LateRead(long Sent, long SendReturned, long Received, long ReadAt);

    private static LateRead SendAndReadLate()
    {
        using var receiving = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiving.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sending = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sending.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var buffer = GC.AllocateUninitializedArray<byte>(2048, pinned: true);
        using var receiver = TimestampedReceiver.TryCreate(receiving, buffer, NullLogger.Instance);
        Assert.NotNull(receiver);

        var sent = Stopwatch.GetTimestamp();
        sending.SendTo("netpulse"u8.ToArray(), receiving.LocalEndPoint!);
        var sendReturned = Stopwatch.GetTimestamp();
        Thread.Sleep(ReadDelay);
        Assert.True(receiving.Available > 0);

        Span<byte> sender = stackalloc byte[8];
        var length = receiver.Receive(sender, out var received);
        var readAt = Stopwatch.GetTimestamp();

        Assert.Equal("netpulse"u8.ToArray(), buffer.AsSpan(0, length).ToArray());
        // sockaddr_in: family (2 bytes, host order), then the port in network order.
        var port = (sender[2] << 8) | sender[3];
        Assert.Equal(((IPEndPoint)sending.LocalEndPoint!).Port, port);
        return new LateRead(sent, sendReturned, received, readAt);
    }

    [KernelStampFact]
    public void Nothing_waiting_answers_minus_one_without_blocking()
    {
        using var receiving = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiving.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var receiver = TimestampedReceiver.TryCreate(receiving, GC.AllocateUninitializedArray<byte>(64, pinned: true), NullLogger.Instance);

        Assert.Equal(-1, receiver!.Receive([], out _));
    }
}
