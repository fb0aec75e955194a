namespace NetPulse.Probe.Icmp;

/// <summary>
/// Hands out ICMP echo identifiers: each engine run gets its own, so replies to another process's ping, or
/// to another engine in this process, are never taken for ours.
/// </summary>
internal static class EchoIdentifier
{
    private static int s_next = Environment.ProcessId ^ Random.Shared.Next();

    public static ushort Next() => (ushort)Interlocked.Increment(ref s_next);
}
