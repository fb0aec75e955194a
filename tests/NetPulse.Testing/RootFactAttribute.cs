using NetPulse.Testing.Network;
using Xunit;

namespace NetPulse.Testing;

/// <summary>
/// A fact that makes network namespaces, veth links and raw ICMP sockets. It is skipped, with the
/// reason, only where that is impossible (not root, missing capabilities, or no iproute2) and
/// never under CI (see <see cref="RequiredEnvironment"/>).
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        Skip = RequiredEnvironment.SkipReason(NetworkEnvironment.WhyNoNamespaces);
    }
}
