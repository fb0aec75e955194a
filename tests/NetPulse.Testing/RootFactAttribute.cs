using NetPulse.Testing.Network;
using Xunit;

namespace NetPulse.Testing;

/// <summary>
/// A fact that makes network namespaces, veth links and raw ICMP sockets. It is skipped, with the
/// reason, only where that is impossible: not root, missing capabilities, or no iproute2.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (NetworkEnvironment.WhyNoNamespaces is { } reason)
        {
            Skip = $"Skipped: this test {reason}.";
        }
    }
}
