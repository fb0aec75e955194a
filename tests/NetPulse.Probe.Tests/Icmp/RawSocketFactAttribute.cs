using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>A fact that needs a raw ICMP socket: skipped, with how to allow it, where this process may not open one.</summary>
public sealed class RawSocketFactAttribute : FactAttribute
{
    public RawSocketFactAttribute()
    {
        if (!RawSocketPingEngine.CanOpenRawSocket(out var error))
        {
            Skip = $"Skipped: needs a raw ICMP socket ({error?.SocketErrorCode}); run as root or give dotnet CAP_NET_RAW.";
        }
    }
}
