using NetPulse.Probe.Icmp;
using NetPulse.Testing;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>A fact that needs a raw ICMP socket: skipped, with how to allow it, where this process may not open one (never under CI).</summary>
public sealed class RawSocketFactAttribute : FactAttribute
{
    public RawSocketFactAttribute()
    {
        Skip = RequiredEnvironment.SkipReason(RawSocketPingEngine.CanOpenRawSocket(out var error)
            ? null
            : $"needs a raw ICMP socket ({error?.SocketErrorCode}); run as root or give dotnet CAP_NET_RAW");
    }
}
