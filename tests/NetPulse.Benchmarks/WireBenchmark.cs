using System.Diagnostics;
using System.Globalization;
using NetPulse.Contracts;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// The wire format's size and speed, version 1 (JSON) against version 2 (binary): for realistic batches
/// (<see cref="RealisticBatches"/>) the body's bytes per sample, the body, and the queue message as Azure Storage
/// counts it (the signed envelope, then Base64) against its 64 KiB limit; then encode and decode time per batch,
/// timed warm over many repetitions. A batch that version 1 cannot hold is printed as such.
/// </summary>
internal static class WireBenchmark
{
    private const int QueueMessageBytes = 64 * 1024;

    private static readonly (int Targets, int Seconds)[] Shapes = [(100, 10), (100, 60), (1000, 10)];

    public static int Run(int repetitions)
    {
        using var key = ProbeKeys.Create();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wire: realistic batches (names and hosts 20-30 chars, RTT jitter, ~2% failures); queue limit {QueueMessageBytes} bytes after Base64; times over {repetitions} runs"));
        Console.WriteLine("version  batch            samples  body bytes  bytes/sample  message (signed)  in Base64  fits  encode ms  decode ms");
        var allFit = true;
        foreach (var (targets, seconds) in Shapes)
        {
            foreach (var version in new[] { PingBatch.JsonVersion, PingBatch.BinaryVersion })
            {
                var batch = RealisticBatches.Fleet(targets, seconds, version);
                var shape = $"{targets} x {seconds} s";
                byte[] body;
                try
                {
                    body = PingBatchCodec.Encode(batch);
                }
                catch (InvalidPingBatchException)
                {
                    var unchecked_ = PingBatchCodec.MeasureBytes(batch);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"v{version,-7} {shape,-16} {batch.SampleCount,7} {unchecked_,11} {(double)unchecked_ / batch.SampleCount,13:F2}  refused: over {PingBatchCodec.MaxBodyBytes} bytes"));
                    allFit &= version == PingBatch.JsonVersion;
                    continue;
                }

                var message = SignedBatchMessage.Sign(body, batch.ProbeId, key);
                var base64 = Convert.ToBase64String(message).Length;
                var fits = base64 <= QueueMessageBytes;
                allFit &= fits || version == PingBatch.JsonVersion;
                var encodeMs = Time(repetitions, () => PingBatchCodec.Encode(batch));
                var decodeMs = Time(repetitions, () => PingBatchCodec.Decode(body));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"v{version,-7} {shape,-16} {batch.SampleCount,7} {body.Length,11} {(double)body.Length / batch.SampleCount,13:F2} {message.Length,17} {base64,10}  {(fits ? "yes" : "NO"),-4} {encodeMs,9:F3} {decodeMs,10:F3}"));
            }
        }

        Console.WriteLine(allFit ? "goal met: every shape fits one queue message in version 2" : "goal MISSED: a shape does not fit one queue message in version 2");
        return allFit ? 0 : 1;
    }

    private static double Time(int repetitions, Action action)
    {
        for (var i = 0; i < Math.Max(3, repetitions / 10); i++)
        {
            action();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repetitions; i++)
        {
            action();
        }

        return clock.Elapsed.TotalMilliseconds / repetitions;
    }
}
